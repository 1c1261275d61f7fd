// Latencies and errors for bench/Soak.java (compiled with it: java launches Soak.java as a multi-file
// source program, JDK 22+).
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Latencies and errors since the last take(); the first 50 errors' details. */
final class SoakRecorder {
  /** One window's figures: requests answered, errors (with the arrivals dropped), p50, p99 and max latency. */
  record Window(long count, long errors, long dropped, double p50Ms, double p99Ms, double maxMs) {}

  private final SoakRecorder also;   // a second recorder over longer windows, or null
  private long[] micros = new long[1 << 16];
  private int n;
  private long errors;
  final List<String> errorsSeen = new ArrayList<>();

  SoakRecorder() { this(null); }
  SoakRecorder(SoakRecorder also) { this.also = also; }

  void record(String op, long startNanos, boolean ok, String detail) {
    long us = (System.nanoTime() - startNanos) / 1000;
    if (!ok && errorsKept() < 50) System.out.println("error: " + op + ": " + detail);   // in driver.log at once, while the run goes on
    add(op, us, ok, detail);
    if (also != null) also.add(op, us, ok, detail);
  }
  private synchronized int errorsKept() { return errorsSeen.size(); }
  private synchronized void add(String op, long us, boolean ok, String detail) {
    if (n == micros.length) micros = Arrays.copyOf(micros, n * 2);
    micros[n++] = us;
    if (!ok) {
      errors++;
      if (errorsSeen.size() < 50) errorsSeen.add(op + ": " + (detail.length() > 300 ? detail.substring(0, 300) : detail));
    }
  }
  synchronized Window take(long dropped) {
    long[] l = Arrays.copyOf(micros, n);
    Arrays.sort(l);
    Window w = new Window(n, errors + dropped, dropped, pct(l, 0.50), pct(l, 0.99), n == 0 ? 0 : l[n - 1] / 1000.0);
    n = 0;
    errors = 0;
    return w;
  }
  static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1000.0;
  }
  synchronized void dumpErrors(Path file) throws IOException { Files.write(file, errorsSeen); }
}
