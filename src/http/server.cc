int orgd_placeholder_server();
