-- wrk script: POST Standard Webhooks messages, each a fresh webhook-id (so none is a replay).
-- BENCH_WEBHOOK_FILE holds pre-signed lines "id timestamp signature" for the body in BENCH_BODY_FILE;
-- BENCH_WEBHOOK_OFFSET is the first line this run may use (earlier runs used the ones before).
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()
local offset = tonumber(os.getenv("BENCH_WEBHOOK_OFFSET") or "0")
local threads = 0

setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

init = function(args)
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
  messages = {}
  local n = 0
  for line in io.lines(os.getenv("BENCH_WEBHOOK_FILE")) do
    n = n + 1
    if n > offset and (n - offset - 1) % nthreads == tid then
      messages[#messages + 1] = line
    end
  end
  next_message = 1
end

request = function()
  local line = messages[next_message] or messages[1] -- past the end: a replay, reported as non-2xx
  next_message = next_message + 1
  local id, ts, sig = string.match(line, "^(%S+) (%S+) (%S+)$")
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["webhook-id"] = id,
    ["webhook-timestamp"] = ts, ["webhook-signature"] = sig}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH rps=%.0f p50_ms=%.3f p99_ms=%.3f non2xx=%d total=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
