-- Concurrent residents posting comments. Each request is one resident, signed in, with
-- the CSRF token of their session; residents.tsv holds "cookie<TAB>token" lines.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  residents = {}
  for line in io.lines(args[1]) do
    local cookie, token = line:match("([^\t]+)\t([^\t]+)")
    table.insert(residents, {cookie = cookie, token = token})
  end
  path = args[2]
  marker = args[3]
  turn = id
  ok, failed, sent = 0, 0, 0
end

function request()
  local resident = residents[(turn % #residents) + 1]
  turn = turn + #threads
  sent = sent + 1
  local body = "csrf_token=" .. resident.token .. "&body=" .. marker .. "+" .. id .. "-" .. sent
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = resident.cookie,
  }, body)
end

function response(status, headers, body)
  if status == 302 then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local accepted, refused = 0, 0
  for _, thread in ipairs(threads) do
    accepted = accepted + thread:get("ok")
    refused = refused + thread:get("failed")
  end
  io.write(string.format("ACCEPTED %d REFUSED %d\n", accepted, refused))
end
