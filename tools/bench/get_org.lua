-- GET with the API key.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ORGD_KEY")
