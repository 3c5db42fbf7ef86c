-- PUT /api/v1/orgs/$ORG/members/<account> {"role": ...}, rotating over the account ids in the
-- file $ACCOUNTS (one a line; members of $ORG whose role is "member" to begin with). The first
-- pass over the list makes each account an editor, the next a member again, and so on, so every
-- request changes a membership (a durable event) and none is a no-op; run it once per store.
-- Authorization: Bearer $ORGD_KEY (a site admin, or a key with manage_members in $ORG).
local file = os.getenv("ACCOUNTS") or error("set ACCOUNTS to a file of account ids, one a line")
local org = os.getenv("ORG") or "big"
local paths = {}
for line in io.lines(file) do
  if line ~= "" then paths[#paths + 1] = "/api/v1/orgs/" .. org .. "/members/" .. line end
end
if #paths == 0 then error("no accounts in " .. file) end
local bodies = { '{"role":"editor"}', '{"role":"member"}' }
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ORGD_KEY") or error("set ORGD_KEY"))
local n = 0
request = function()
  local i = n % #paths
  local pass = math.floor(n / #paths)
  n = n + 1
  return wrk.format(nil, paths[i + 1], nil, bodies[pass % 2 + 1])
end
