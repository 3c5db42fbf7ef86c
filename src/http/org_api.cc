int orgd_placeholder_org_api();
