"""Report of a bench/soak.sh run: per-minute table, plot, verdict. Usage: soak_report.py RESULT_DIR

Reads samples.csv (10-s windows), minutes.csv and driver.txt written by bench/Soak.java, and gc.txt
(jstat -gc of Toolgate at the end) when there; writes
report.md and soak.png into the directory and prints report.md. Exit status 1 when the run FAILS:
any call erred, or a metric trends up (the rule is in bench/soak.sh's header and below).
"""
import csv
import statistics
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# metric column -> (label, scale to the unit shown, unit, relative margin, absolute margin in that unit)
TRENDS = {
    "rss_kib": ("RSS", 1 / 1024, "MiB", 0.10, 16),
    "heap_after_full_gc_kib": ("heap after full GC", 1 / 1024, "MiB", 0.10, 4),
    "fds": ("open fds", 1, "", 0.10, 8),
    "threads": ("threads", 1, "", 0.10, 4),
    "p99_ms": ("p99 (10-s windows)", 1, "ms", 0.50, 2),
}
MIN_PER_THIRD = 2


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def num(v):
    return float(v) if v not in ("", None) else None


def trend(rows, col, warmup_s, duration_s):
    """(verdict, text): verdict True when the metric trends up, None when it could not be judged."""
    label, scale, unit, rel, floor = TRENDS[col]
    pts = [(float(r["t_s"]), num(r[col]) * scale) for r in rows if float(r["t_s"]) > warmup_s and num(r[col]) is not None]
    span = duration_s - warmup_s
    thirds = [[v for t, v in pts if warmup_s + i * span / 3 < t <= warmup_s + (i + 1) * span / 3] for i in range(3)]
    if len(thirds[0]) < MIN_PER_THIRD or len(thirds[2]) < MIN_PER_THIRD:
        return None, f"{label}: not judged ({len(pts)} samples after the warm-up, fewer than {MIN_PER_THIRD} per third)"
    first, last = statistics.median(thirds[0]), statistics.median(thirds[2])
    margin = max(rel * first, floor)
    up = last - first > margin
    return up, (f"{label}: first third median {first:.1f}{unit}, last third {last:.1f}{unit}, growth {last - first:+.1f}{unit}"
                f" (limit {margin:.1f}{unit}: {rel:.0%} and {floor}{unit}): {'TRENDS UP' if up else 'ok'}")


def gc_line(out, samples):
    """The run's collections from jstat -gc (counts and seconds since Toolgate started), or None."""
    path = out / "gc.txt"
    rows = path.read_text().split() if path.exists() else []
    half = len(rows) // 2
    if half == 0 or rows[:half][-1] != "GCT":
        return None
    gc = dict(zip(rows[:half], rows[half:]))
    young, full = int(gc["YGC"]), int(gc["FGC"])
    return (f"Collections since Toolgate started (jstat -gc): {young} young, {float(gc['YGCT']):.1f} s in all "
            f"({1000 * float(gc['YGCT']) / max(young, 1):.1f} ms each); {full} full, {float(gc['FGCT']):.1f} s in all "
            f"({1000 * float(gc['FGCT']) / max(full, 1):.0f} ms each), 2 of them forced by the class histograms.")


def main(out):
    out = Path(out)
    samples = read_csv(out / "samples.csv")
    minutes = read_csv(out / "minutes.csv")
    driver = dict(line.split("=", 1) for line in (out / "driver.txt").read_text().splitlines() if "=" in line)
    duration = int(driver["duration_s"])
    warmup = max(30, duration * 0.2)

    # Per minute: the driver's figures, and the resources at the minute's last sample (heap: after its last full GC, blank without one).
    table = ["| minute | requests | req/s | p50 ms | p99 ms | errors | RSS MiB | heap after full GC MiB | fds | threads |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    begin = 0
    for m in minutes:
        end = int(m["end_s"])
        inside = [s for s in samples if begin < float(s["t_s"]) <= end]
        last = inside[-1] if inside else {}
        heaps = [num(s["heap_after_full_gc_kib"]) for s in inside if num(s["heap_after_full_gc_kib"]) is not None]
        rss = num(last.get("rss_kib"))
        table.append("| {}–{} s | {} | {:.0f} | {:.2f} | {:.2f} | {} | {} | {} | {} | {} |".format(
            begin, end, m["requests"], int(m["requests"]) / (end - begin), float(m["p50_ms"]), float(m["p99_ms"]), m["errors"],
            f"{rss / 1024:.0f}" if rss else "", f"{heaps[-1] / 1024:.1f}" if heaps else "", last.get("fds", ""), last.get("threads", "")))
        begin = end

    errors = sum(int(s["errors"]) for s in samples) + int(driver.get("tail_errors", 0)) + int(driver.get("probe_errors", 0))
    verdicts = [trend(samples, col, warmup, duration) for col in TRENDS]
    failed = errors > 0 or any(v for v, _ in verdicts)

    plot(samples, warmup, out / "soak.png")
    lines = [
        f"# Soak run {out.name}",
        "",
        f"Toolgate {driver.get('toolgate_rev', '?')}, {driver.get('java', '?')}, JVM: {driver.get('jvm', '?')}",
        f"Machine: {driver.get('machine', '?')}",
        f"Phase 1 maximum {float(driver['max_ops_per_s']):.0f} operations/s; phase 2: {duration} s at "
        f"{float(driver['load']):.0%} of it ({float(driver['rate_ops_per_s']):.0f} operations/s; a revocation or logout "
        "is 3 requests, a request is counted once it is answered). Warm-up left out of the trends: "
        f"the first {warmup:.0f} s.",
        "",
        *table,
        "",
        f"Errors: {errors} (phase 1: {driver.get('probe_errors', 0)}, phase 2 windows: {sum(int(s['errors']) for s in samples)}, "
        f"calls still running at the last sample: {driver.get('tail_errors', 0)} of {driver.get('tail_requests', 0)})."
        + (" The first ones are in errors.txt." if errors else ""),
        "",
        *[f"- {text}" for _, text in verdicts],
        "",
        *([gc_line(out, samples), ""] if gc_line(out, samples) else []),
        f"**Verdict: {'FAIL' if failed else 'PASS'}**" + ("" if failed else " (no error, nothing trends up)"),
        "",
        "![memory and p99 over time](soak.png)",
    ]
    report = "\n".join(lines) + "\n"
    (out / "report.md").write_text(report)
    print(report)
    return 1 if failed else 0


def plot(samples, warmup, path):
    t = [float(s["t_s"]) / 60 for s in samples]
    fig, (mem, lat) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    mem.plot(t, [num(s["rss_kib"]) / 1024 for s in samples], label="RSS")
    heap = [(x, num(s["heap_after_full_gc_kib"]) / 1024) for x, s in zip(t, samples) if num(s["heap_after_full_gc_kib"]) is not None]
    if heap:
        mem.plot(*zip(*heap), marker="o", markersize=3, linestyle="none", label="heap after a full GC")
    mem.set_ylabel("MiB")
    mem.set_ylim(bottom=0)
    mem.legend(loc="center right")
    mem.set_title("Toolgate memory and latency during the soak")
    lat.plot(t, [float(s["p99_ms"]) for s in samples], label="p99")
    lat.plot(t, [float(s["p50_ms"]) for s in samples], label="p50")
    lat.set_ylabel("ms (10-s windows)")
    lat.set_xlabel("minutes into phase 2")
    lat.set_ylim(bottom=0)
    lat.legend(loc="upper right")
    for ax in (mem, lat):
        ax.axvspan(0, warmup / 60, color="grey", alpha=0.15)
        ax.grid(alpha=0.3)
    mem.text(warmup / 120, 0.05, "warm-up", transform=mem.get_xaxis_transform(), ha="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
