-- wrk script for bench/mcp.sh: POST one MCP JSON-RPC message (a tools/call) to an MCP route and check
-- every answer. Set by the environment:
--   BENCH_BODY_FILE  the exact request body
--   BENCH_HEADERS    extra headers, "name: value|name: value" (the bearer token of the secured route)
-- The request says it takes JSON or an event stream, as MCP clients must. Counted as bad, and so
-- failing the run (bench/mcp.sh): any status other than 200, and a 200 whose body is not a
-- successful tool result (no "result", or "isError": true), so a misrouted or refused call cannot
-- pass for a fast one.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

-- main state: the threads, to add up their counts in done()
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

-- thread state
non200, bad_body = 0, 0

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 <= 3 then io.stderr:write(string.format("mcp.lua: %d %s\n", status, string.sub(body or "", 1, 300))) end
  elseif not string.find(body, '"result"', 1, true) or string.find(body, '"isError":true', 1, true) then
    bad_body = bad_body + 1
    if bad_body <= 3 then io.stderr:write("mcp.lua: 200 without a tool result: " .. string.sub(body or "", 1, 300) .. "\n") end
  end
end

function done(summary, latency, requests)
  local n, b = 0, 0
  for _, t in ipairs(threads) do
    n = n + (t:get("non200") or 0)
    b = b + (t:get("bad_body") or 0)
  end
  local e = summary.errors
  io.write(string.format("BENCH rps=%.0f p50_ms=%.3f p99_ms=%.3f non200=%d bad_body=%d sockerr=%d total=%d secs=%.2f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    n, b, e.connect + e.read + e.write + e.timeout, summary.requests, summary.duration / 1e6))
end
