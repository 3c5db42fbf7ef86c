-- POST /api/v1/check with one check {"account": <id>, "org": $ORG, "capability": $CAPABILITY},
-- rotating over the account ids in the file $ACCOUNTS (one a line).
-- Authorization: Bearer $ORGD_KEY (a site admin may ask about anyone).
local file = os.getenv("ACCOUNTS") or error("set ACCOUNTS to a file of account ids, one a line")
local org = os.getenv("ORG") or "big"
local capability = os.getenv("CAPABILITY") or "view_members"
local bodies = {}
for line in io.lines(file) do
  if line ~= "" then
    bodies[#bodies + 1] = string.format(
      '{"checks":[{"account":"%s","org":"%s","capability":"%s"}]}', line, org, capability)
  end
end
if #bodies == 0 then error("no accounts in " .. file) end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ORGD_KEY") or error("set ORGD_KEY"))
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
