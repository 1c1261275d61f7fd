#!/usr/bin/env python3
"""Time to first SSE event, for bench/mcp.sh: the same streamed MCP tools/call sent directly to an MCP
server and through Toolgate's MCP route, alternating, one at a time.

Each call is a tools/call of track_shipment {steps: 1} with a progressToken and
`Accept: application/json, text/event-stream`, which the sample MCP server answers as an event
stream: a notifications/progress event, then the result. Measured per call: from just before the
request is written to the moment the first whole event (ended by a blank line) has been read. Each
path has one keep-alive connection, opened by the unmeasured warm-up calls. The pairs alternate
which path goes first, so a drift in the machine's speed lands on both.

Prints one line, "SSE direct_p50_ms=... direct_p99_ms=... gateway_p50_ms=... gateway_p99_ms=...
added_p50_ms=... added_p99_ms=... calls=N", where "added" is, per pair, the call through Toolgate
minus the direct one. Exits non-zero on any answer that is not 200, not an event stream, or not
the progress event and the successful result. The bearer token comes from BENCH_MCP_TOKEN (kept
off the command line). Standard library only.
"""
import argparse
import http.client
import json
import math
import os
import sys
import time
import urllib.parse


class Endpoint:
    """One MCP endpoint on one keep-alive connection."""

    def __init__(self, name, url, token):
        u = urllib.parse.urlsplit(url)
        if u.scheme != "http":
            sys.exit(f"mcp_sse.py: {name}: only http URLs ({url})")
        self.name, self.path = name, u.path or "/"
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if token:
            self.headers["Authorization"] = "Bearer " + token

    def call(self, n):
        """One streamed tools/call; the ms to its first event."""
        token = f"bench-{self.name}-{n}"
        body = json.dumps({"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": {
            "name": "track_shipment", "arguments": {"order_id": "A-1001", "steps": 1},
            "_meta": {"progressToken": token}}}, separators=(",", ":")).encode()
        t0 = time.perf_counter_ns()
        self.conn.request("POST", self.path, body, self.headers)
        resp = self.conn.getresponse()
        if resp.status != 200:
            fail(self.name, n, f"HTTP {resp.status}: {resp.read()[:300]!r}")
        if not (resp.getheader("content-type") or "").startswith("text/event-stream"):
            fail(self.name, n, f"not an event stream: {resp.getheader('content-type')} {resp.read()[:300]!r}")
        buf, first = b"", None
        while True:
            chunk = resp.read1(65536)  # as it arrives; chunked transfer coding is undone
            if not chunk:
                break
            buf += chunk
            if first is None and end_of_first_event(buf) >= 0:
                first = (time.perf_counter_ns() - t0) / 1e6
        check(self.name, n, buf, token)
        if first is None:
            fail(self.name, n, "the stream ended without a whole event")
        return first

    def close(self):
        self.conn.close()


def end_of_first_event(buf):
    ends = [i for i in (buf.find(b"\n\n"), buf.find(b"\r\n\r\n"), buf.find(b"\r\r")) if i >= 0]
    return min(ends) if ends else -1


def events(buf):
    """The data of each event of a whole stream, joined per event (SSE: data lines, blank-line ended)."""
    text = buf.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for block in text.split("\n\n"):
        data = [line[5:].lstrip(" ") if line.startswith("data:") else None for line in block.split("\n")]
        data = [d for d in data if d is not None]
        if data:
            out.append("\n".join(data))
    return out


def check(name, n, buf, token):
    """The first event is our progress notification, the last the call's successful result."""
    try:
        msgs = [json.loads(e) for e in events(buf)]
    except ValueError as e:
        fail(name, n, f"an event is not JSON ({e}): {buf[:300]!r}")
    if len(msgs) < 2 or msgs[0].get("method") != "notifications/progress" \
            or msgs[0].get("params", {}).get("progressToken") != token:
        fail(name, n, f"the first event is not the call's progress: {buf[:300]!r}")
    last = msgs[-1]
    if last.get("id") != n or "result" not in last or last["result"].get("isError"):
        fail(name, n, f"the last event is not the call's result: {buf[-300:]!r}")


def fail(name, n, why):
    sys.exit(f"mcp_sse.py: {name}, call {n}: {why}")


def pct(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--direct", required=True, help="the MCP server's URL")
    ap.add_argument("--gateway", required=True, help="Toolgate's MCP route in front of it")
    ap.add_argument("--calls", type=int, default=500, help="measured calls per path")
    ap.add_argument("--warmup", type=int, default=20, help="unmeasured calls per path first")
    ap.add_argument("--samples", help="write every measured pair here (ms): n direct gateway")
    a = ap.parse_args()
    direct = Endpoint("direct", a.direct, None)
    gateway = Endpoint("gateway", a.gateway, os.environ.get("BENCH_MCP_TOKEN"))
    n = 0
    for _ in range(a.warmup):
        n += 1
        direct.call(n)
        gateway.call(n)
    d, g = [], []
    for i in range(a.calls):
        n += 1
        if i % 2 == 0:
            d.append(direct.call(n))
            g.append(gateway.call(n))
        else:
            g.append(gateway.call(n))
            d.append(direct.call(n))
    direct.close()
    gateway.close()
    added = [y - x for x, y in zip(d, g)]
    if a.samples:
        with open(a.samples, "w") as f:
            f.writelines(f"{i + 1} {x:.3f} {y:.3f}\n" for i, (x, y) in enumerate(zip(d, g)))
    print("SSE " + " ".join(f"{k}_p{p}_ms={pct(v, p):.3f}" for k, v in (("direct", d), ("gateway", g), ("added", added))
                            for p in (50, 99)) + f" calls={a.calls}")


if __name__ == "__main__":
    main()
