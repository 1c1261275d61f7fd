-- wrk script for the token benchmark (bench/tokens.sh): one request shape, set by the environment.
--   BENCH_METHOD        GET (default) or POST
--   BENCH_BODY          literal body, e.g. a form "grant_type=client_credentials"
--   BENCH_BODY_FILE     or: a file holding the exact body bytes
--   BENCH_CONTENT_TYPE  content type of the body (default application/x-www-form-urlencoded)
--   BENCH_HEADERS       "name: value|name: value", e.g. "Authorization: Basic ..."
--   BENCH_TOKENS_FILE   optional: one bearer token per line; each request sends the next one
--                       (threads start at evenly spread offsets), so with N distinct tokens a
--                       token comes back only every N requests
--   BENCH_TOKENS_ONCE   1: every token is sent once: each thread takes its own slice of the file
--                       and the run ends (early, before -d) as soon as one thread used its slice up
--   BENCH_THREADS       wrk's -t, to split the tokens between threads
-- Prints one machine-readable line at the end; non-2xx answers and socket errors are counted so a
-- misconfigured run cannot pass for a fast one.
-- Ending a run early: wrk only ends when its main thread, asleep for -d seconds, gets SIGINT (it
-- then reports as usual, over the time actually run). The main thread's id is the process id.
local ffi = require("ffi")
ffi.cdef [[ int getpid(void); int tgkill(int tgid, int tid, int sig); ]]
local stopped = false
function stop_run()
  if stopped then return end
  stopped = true
  wrk.thread:stop()
  local pid = ffi.C.getpid()
  ffi.C.tgkill(pid, pid, 2)
end

local function env(name) local v = os.getenv(name); if v == "" then return nil end; return v end

wrk.method = env("BENCH_METHOD") or "GET"

local body = env("BENCH_BODY")
local body_file = env("BENCH_BODY_FILE")
if body_file then
  local f = assert(io.open(body_file, "rb"))
  body = f:read("*a")
  f:close()
end
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = env("BENCH_CONTENT_TYPE") or "application/x-www-form-urlencoded"
end

for pair in string.gmatch(env("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

local tokens_file = env("BENCH_TOKENS_FILE")
if tokens_file then
  local tokens = {}
  for line in io.lines(tokens_file) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  assert(#tokens > 0, "no tokens in " .. tokens_file)
  local once = env("BENCH_TOKENS_ONCE") == "1"
  local next_id = 1
  setup = function(thread)
    thread:set("thread_id", next_id)
    next_id = next_id + 1
  end
  local idx, last = 0, #tokens
  init = function(args)
    local threads = tonumber(env("BENCH_THREADS") or "1")
    local share = math.floor(#tokens / threads)
    idx = ((thread_id or 1) - 1) * share
    if once then last = idx + share end
  end
  request = function()
    if once then
      if idx < last then idx = idx + 1 end
      if idx == last then stop_run() end
    else
      idx = idx % #tokens + 1
    end
    wrk.headers["Authorization"] = "Bearer " .. tokens[idx]
    return wrk.format()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH rps=%.0f p50_ms=%.3f p99_ms=%.3f non2xx=%d sockerr=%d total=%d secs=%.2f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests, summary.duration / 1e6))
end
