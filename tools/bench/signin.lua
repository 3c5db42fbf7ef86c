-- POST /api/v1/auth/login {email, password}, rotating over the lines
-- "<email> <password>" of the file $LOGINS (orgd-load-accounts --passwords K
-- --names-out FILE writes FILE.logins). Every success starts a session.
local file = os.getenv("LOGINS") or error("set LOGINS to a file of '<email> <password>' lines")
local bodies = {}
for line in io.lines(file) do
  local email, password = line:match("^(%S+)%s+(%S+)$")
  if email then
    bodies[#bodies + 1] = string.format('{"email":"%s","password":"%s"}', email, password)
  end
end
if #bodies == 0 then error("no logins in " .. file) end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
