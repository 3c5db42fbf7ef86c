int orgd_placeholder_orgd_replay();
