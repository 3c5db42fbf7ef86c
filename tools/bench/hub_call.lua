-- POST one CoCalc hub call, as the cocalc_api client sends it: the key as HTTP
-- Basic user name ($AUTH: "Basic base64(key:)"), the body $BODY
-- ({"name": "org.get", "args": [{"name": "acme"}]}).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("AUTH") or error("set AUTH")
wrk.body = os.getenv("BODY") or error("set BODY")
