"""Summaries for bench/profile.sh: async-profiler's collapsed stacks (cpu, alloc) and strace -c tables.

Usage: profile_summary.py cpu|alloc|strace FILE CALLS
"""
import collections
import re
import sys

# Where a sample is charged: the innermost frame that belongs to one of these (JDK frames are charged
# to their caller: a HashMap.get in Forwarding is Forwarding's time).
OWNERS = [
    ("dev.toolgate.", None),  # by class: Toolgate's own code, one line per class
    ("io.vertx.core.http.", "Vert.x HTTP (server and client)"),
    ("io.vertx.ext.web.", "Vert.x Web"),
    ("io.vertx.", "Vert.x core (futures, contexts, timers)"),
    ("io.netty.handler.codec.http.", "Netty HTTP codec"),
    ("io.netty.", "Netty transport and buffers"),
    ("org.sqlite.", "SQLite"),
    ("com.fasterxml.jackson.", "Jackson"),
    ("com.github.benmanes.caffeine.", "Caffeine"),
    ("io.micrometer.", "Micrometer"),
    ("com.nimbusds.", "Nimbus JOSE"),
]


def frames(stack):
    return [f.replace("/", ".") for f in stack.split(";")]


def owner(fs):
    for f in reversed(fs):
        for prefix, label in OWNERS:
            if f.startswith(prefix):
                if label is None:
                    cls = f.split("(")[0].rsplit(".", 1)[0]
                    return "Toolgate " + cls.rsplit(".", 1)[-1].split("$")[0]
                return label
    return None


# The phase of a call an event-loop stack belongs to, by the first of these its frames contain. The
# pipeline runs inside the codec's read, so Toolgate's own frames are looked for first.
PHASES = [
    (("CallOutcome.",), "audit record, metrics, access log (hand-off)"),
    (("UpstreamExchange.relay", "UpstreamExchange.lambda$relay", "UpstreamExchange.streamBack"), "stream the answer back"),
    (("UpstreamExchange.forward", "UpstreamExchange.lambda$forward", "RequestBody.streamTo", "RequestBody.lambda$streamTo"),
     "forward (upstream request, body out)"),
    (("RequestBody.",), "read the body"),
    (("ToolCallHandler.", "GatewayVerticle.route", "PolicyEngine."), "route, verify, decide"),
    (("HttpObjectDecoder", "ByteToMessageDecoder", "HttpContentDecoder"), "parse HTTP (both sides), outside the pipeline"),
    (("epoll_wait", "epollWait", "epoll_pwait"), "wait for events"),
    (("flush", "writev", "doWrite"), "write and flush, outside the pipeline"),
]


def phase(stack):
    for needles, name in PHASES:
        if any(n in stack for n in needles):
            return name
    return "other event-loop work (timers, tasks, reads)"


def thread_group(name):
    name = name.strip("[]").split(" tid=")[0]
    if "eventloop" in name:
        return "event loops"
    if "audit" in name.lower():
        return "audit writer"
    if "Compiler" in name or "C1" in name or "C2" in name:
        return "JIT compiler"
    if "GC" in name or "G1" in name or "Parallel" in name or "VM Thread" in name:
        return "GC and VM"
    return "other: " + re.sub(r"[-#]?\d+$", "", name)


def read(path):
    for line in open(path):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack:
            yield stack, int(count)


def pct(n, total):
    return f"{100.0 * n / total:5.1f} %"


def cpu(path, calls):
    threads, owners, kernel, leaves, phases = (collections.Counter() for _ in range(5))
    total = 0
    for stack, n in read(path):
        fs = frames(stack)
        total += n
        group = thread_group(fs[0]) if fs[0].startswith("[") else "?"
        threads[group] += n
        if group != "event loops":
            continue
        leaf = fs[-1]
        if leaf.endswith("_[k]"):
            # Kernel time on the event loop, by the system call that entered it.
            call = next((f for f in fs if re.search(r"__(x64_)?sys_|^(do_)?syscall", f)), "kernel (no syscall frame)")
            kernel[re.sub(r"_\[k\]$", "", call)] += n
        owners["kernel (system calls, network stack)" if leaf.endswith("_[k]") else owner(fs) or "JDK or native, no owner"] += n
        phases[phase(";".join(fs))] += n
        leaves[leaf] += n
    print(f"- {total} samples at 1 ms ≈ {total / calls * 1000:.1f} µs of CPU per call in Toolgate's JVM")
    print("- by thread:")
    for g, n in threads.most_common():
        print(f"  - {g}: {pct(n, total)}")
    loops = threads["event loops"] or 1
    print("- event-loop samples by owner (the innermost frame of the library or class; JDK frames go to their caller):")
    for o, n in owners.most_common(18):
        print(f"  - {o}: {pct(n, loops)} ({n / calls * 1000:.1f} µs per call)")
    print("- event-loop samples by phase of the call (kernel time included where the phase made the system call):")
    for p, n in phases.most_common():
        print(f"  - {p}: {pct(n, loops)} ({n / calls * 1000:.1f} µs per call)")
    if kernel:
        print("- event-loop kernel samples by system call:")
        for k, n in kernel.most_common(8):
            print(f"  - {k}: {pct(n, loops)}")
    print("- hottest event-loop frames (self):")
    for f, n in leaves.most_common(12):
        print(f"  - {f}: {pct(n, loops)}")


def alloc(path, calls):
    sites, total = collections.Counter(), 0
    for stack, n in read(path):
        fs = frames(stack)
        total += n
        kind = re.sub(r"_\[[ik]\]$", "", fs[-1])
        sites[(owner(fs[:-1]) or "JDK or other", kind)] += n
    print(f"- {total / calls / 1024:.1f} KB allocated per call ({total / 2**20:.0f} MB over {calls} calls)")
    print("- largest sites (owner, type):")
    for (o, kind), n in sites.most_common(15):
        print(f"  - {o}, {kind}: {n / calls:.0f} B per call ({pct(n, total)})")


def strace(path, calls):
    rows = []
    for line in open(path):
        parts = line.split()
        if len(parts) >= 5 and re.match(r"^[\d.]+$", parts[0]) and parts[-1] not in ("total",):
            count = int(parts[3])
            rows.append((count, parts[-1]))
    total = sum(c for c, _ in rows)
    print(f"- {total / calls:.2f} system calls per call ({total} over {calls} calls)")
    for count, name in sorted(rows, reverse=True)[:8]:
        print(f"  - {name}: {count / calls:.2f} per call")


if __name__ == "__main__":
    mode, file, n = sys.argv[1], sys.argv[2], max(1, int(float(sys.argv[3])))
    {"cpu": cpu, "alloc": alloc, "strace": strace}[mode](file, n)
