int orgd_placeholder_ops_api();
