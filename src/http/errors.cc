int orgd_placeholder_errors();
