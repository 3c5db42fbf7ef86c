int orgd_placeholder_auth();
