int orgd_placeholder_main();
