-- GET <list>?limit=$LIMIT&after=<cursor>, rotating over the lines of the file $CURSORS (a
-- cursor a line, e.g. the account id or org id a page starts after; "-": the first page, no
-- after=). <list> is $BASE, or the path of wrk's URL (e.g. /api/v1/orgs/big/members or
-- /api/v1/accounts/{id}/orgs). Authorization: Bearer $TOKEN. LIMIT defaults to 100.
local file = os.getenv("CURSORS") or error("set CURSORS to a file of cursors, one a line")
local token = os.getenv("TOKEN") or error("set TOKEN to an API key or session token")
local base = os.getenv("BASE") or wrk.path
local limit = os.getenv("LIMIT") or "100"
local paths = {}
for line in io.lines(file) do
  if line == "-" then
    paths[#paths + 1] = base .. "?limit=" .. limit
  elseif line ~= "" then
    paths[#paths + 1] = base .. "?limit=" .. limit .. "&after=" .. line
  end
end
if #paths == 0 then error("no cursors in " .. file) end
wrk.headers["Authorization"] = "Bearer " .. token
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
