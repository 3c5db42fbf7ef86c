-- GET /api/v1/whoami with Authorization: Bearer $SESSION (a session token from
-- POST /api/v1/auth/login): the cost of checking a session.
local session = os.getenv("SESSION") or error("set SESSION to a session token")
wrk.headers["Authorization"] = "Bearer " .. session
