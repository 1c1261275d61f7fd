-- wrk script for bench/tokens.sh: obtain many access tokens (client credentials grant, client
-- secret in BENCH_HEADERS as "Authorization: Basic ...") as fast as the server gives them, and
-- write them one per line to BENCH_ISSUE_OUT.<thread>. Each thread stops after BENCH_ISSUE_COUNT
-- tokens; the first thread to get there ends the run.
local ffi = require("ffi")
ffi.cdef [[ int getpid(void); int tgkill(int tgid, int tid, int sig); ]]

wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

local next_id = 1
setup = function(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local out, want, got, stopped = nil, 0, 0, false
init = function(args)
  out = assert(io.open(os.getenv("BENCH_ISSUE_OUT") .. "." .. thread_id, "w"))
  want = tonumber(os.getenv("BENCH_ISSUE_COUNT"))
end

response = function(status, headers, body)
  if status ~= 200 then return end
  local token = string.match(body, '"access_token"%s*:%s*"([^"]+)"')
  if not token then return end
  out:write(token, "\n")
  got = got + 1
  if got >= want and not stopped then
    stopped = true
    out:flush()
    wrk.thread:stop()
    local pid = ffi.C.getpid()
    ffi.C.tgkill(pid, pid, 2)
  end
end
