-- wrk script for bench/codeflow.sh: the token endpoint's two user-facing grants, each request with
-- its own single-use credential. Set by the environment:
--   BENCH_MODE     "code": authorization_code exchanges; each request pops a "code verifier" line of
--                  BENCH_SOURCE (each thread its own slice) and the run ends, early, when a thread
--                  has used its slice up.
--                  "refresh": refresh_token grants with rotation; each thread holds a pool of live
--                  refresh tokens (lines of BENCH_SOURCE, dealt out to the threads in turn), a
--                  request pops one and its answer pushes the new one, so every connection keeps
--                  a chain going and no token is ever sent twice.
--   BENCH_FORM     the fixed part of the form, URL-encoded ("grant_type=...&client_id=...")
--   BENCH_THREADS  wrk's -t
-- Every answer other than 200 is counted (a refresh chain ends there), and so are requests sent
-- without a credential left (a refresh pool ran dry): the caller fails a run that has any.
local ffi = require("ffi")
ffi.cdef [[ int getpid(void); int tgkill(int tgid, int tid, int sig); ]]
-- wrk ends a run early only when its main thread, asleep for -d seconds, gets SIGINT (it then
-- reports as usual, over the time actually run). The main thread's id is the process id.
local stopped = false
local function stop_run()
  if stopped then return end
  stopped = true
  wrk.thread:stop()
  local pid = ffi.C.getpid()
  ffi.C.tgkill(pid, pid, 2)
end

local mode = os.getenv("BENCH_MODE")
local form = os.getenv("BENCH_FORM")
local source = os.getenv("BENCH_SOURCE")
assert(mode == "code" or mode == "refresh", "BENCH_MODE must be code or refresh")
assert(form and source, "BENCH_FORM and BENCH_SOURCE are required")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local function urlencode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- main state: the threads, to add up their counts in done()
local threads, next_id = {}, 1
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

-- thread state
non200, starved = 0, 0
local items, first, last = {}, 1, 0

function init(args)
  local n = tonumber(os.getenv("BENCH_THREADS") or "1")
  local lines = {}
  for line in io.lines(source) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  if mode == "code" then
    local share = math.floor(#lines / n)
    for i = (thread_id - 1) * share + 1, thread_id * share do
      local code, verifier = string.match(lines[i], "^(%S+) (%S+)$")
      items[#items + 1] = form .. "&code=" .. urlencode(code) .. "&code_verifier=" .. urlencode(verifier)
    end
  else
    for i = thread_id, #lines, n do items[#items + 1] = lines[i] end
  end
  last = #items
end

-- wrk calls request() once on the first thread before any connection, to check the request it
-- builds (script_verify_request); that one is never sent, so it must not use a credential up.
local verified = false

function request()
  if not verified then
    verified = true
    if thread_id == 1 then return wrk.format(nil, nil, nil, form) end
  end
  local body
  if mode == "code" then
    if first > last then
      stop_run()
      starved = starved + 1
      body = form .. "&code=used-up&code_verifier=used-up"
    else
      body = items[first]
      items[first] = nil
      first = first + 1
      if first > last then stop_run() end
    end
  else
    local token = items[last]
    if token then
      items[last] = nil
      last = last - 1
    else
      starved = starved + 1
      token = "pool-ran-dry"
    end
    body = form .. "&refresh_token=" .. urlencode(token)
  end
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 <= 3 then io.stderr:write(string.format("codeflow.lua: %d %s\n", status, string.sub(body or "", 1, 300))) end
    return
  end
  if mode == "refresh" then
    local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
    if token then
      last = last + 1
      items[last] = token
    else
      non200 = non200 + 1
    end
  end
end

function done(summary, latency, requests)
  local bad, dry = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non200") or 0)
    dry = dry + (t:get("starved") or 0)
  end
  local e = summary.errors
  io.write(string.format("BENCH rps=%.0f p50_ms=%.3f p99_ms=%.3f non200=%d sockerr=%d starved=%d total=%d secs=%.2f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    bad, e.connect + e.read + e.write + e.timeout, dry, summary.requests, summary.duration / 1e6))
end
