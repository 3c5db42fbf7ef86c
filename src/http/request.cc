int orgd_placeholder_request();
