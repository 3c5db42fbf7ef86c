-- POST /api/v1/orgs with a new org name per request (names must be unique).
local n = 0
local salt = os.getenv("SALT") or tostring(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ORGD_KEY")
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('{"name":"b%s-%d","title":"Bench"}', salt, n))
end
