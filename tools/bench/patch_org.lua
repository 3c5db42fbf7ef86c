-- PATCH /api/v1/orgs/{id} over the first $ORGS orgs with a new title per request.
local n = 0
local orgs = tonumber(os.getenv("ORGS"))
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ORGD_KEY")
request = function()
  n = n + 1
  local path = "/api/v1/orgs/" .. (1 + math.random(0, orgs - 1))
  return wrk.format(nil, path, nil, string.format('{"title":"t%d"}', n))
end
