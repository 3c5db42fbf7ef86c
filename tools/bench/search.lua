-- GET /api/v1/accounts?query=<q>, rotating over the lines of the file $QUERIES
-- (orgd-load-accounts --names-out writes FILE.words and FILE.emails), with
-- Authorization: Bearer $TOKEN (a session token or an API key). $LIMIT, if
-- set, is sent as &limit=.
local file = os.getenv("QUERIES") or error("set QUERIES to a file of queries, one a line")
local token = os.getenv("TOKEN") or error("set TOKEN to a session token or API key")
local limit = os.getenv("LIMIT")
local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end
local paths = {}
for line in io.lines(file) do
  if line ~= "" then
    paths[#paths + 1] = "/api/v1/accounts?query=" .. encode(line) .. (limit and ("&limit=" .. limit) or "")
  end
end
if #paths == 0 then error("no queries in " .. file) end
wrk.headers["Authorization"] = "Bearer " .. token
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
