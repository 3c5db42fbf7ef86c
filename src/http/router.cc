int orgd_placeholder_router();
