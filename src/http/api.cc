int orgd_placeholder_api();
