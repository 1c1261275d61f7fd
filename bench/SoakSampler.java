// Toolgate's resources for bench/Soak.java (compiled with it: java launches Soak.java as a multi-file
// source program, JDK 22+).
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Toolgate's RSS, threads (/proc/PID/status), open fds (/proc/PID/fd), and its heap after each full
 * collection, read from its GC log: `jcmd PID VM.log` turns the log on once the run starts, so the
 * launcher's JVM options stay as users get them. Nothing is collected for the measurement (a forced
 * full GC every 30 s made a third of the 10-s windows' p99 out of its own pauses); only the two class
 * histograms (after the warm-up and at the end, for the report) each force one.
 */
final class SoakSampler {
  private static final Pattern FULL_GC = Pattern.compile("Pause Full \\([^)]*\\) \\d+[KMG]->(\\d+)([KMG])\\(");
  private final long pid;
  private final String jcmd;
  private final Path out;
  private final Path gcLog;
  private long gcLogRead;

  SoakSampler(long pid, String jcmd, Path out) throws IOException {
    this.pid = pid;
    this.jcmd = jcmd;
    this.out = out;
    this.gcLog = out.resolve("gc.log");
    jcmd("VM.log", "output=" + gcLog, "what=gc=info", "decorators=uptime");
  }

  /** rss_kib,heap_after_full_gc_kib,fds,threads: the heap after the last full collection since the previous sample, or blank. */
  String sample() throws IOException {
    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
    long fds;
    try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) { fds = s.count(); }
    Long heap = heapAfterLastFullGcKib();
    return field(status, "VmRSS") + "," + (heap == null ? "" : heap) + "," + fds + "," + field(status, "Threads");
  }

  /** The top 40 classes of a class histogram (a full collection first) into `name`. */
  void histogram(String name) throws IOException {
    String histogram = jcmd("GC.class_histogram");
    Files.writeString(out.resolve(name), histogram.lines().limit(43).collect(Collectors.joining("\n", "", "\n")));
  }

  private Long heapAfterLastFullGcKib() throws IOException {
    if (!Files.exists(gcLog)) return null;
    String added;
    try (RandomAccessFile f = new RandomAccessFile(gcLog.toFile(), "r")) {
      byte[] bytes = new byte[(int) (f.length() - gcLogRead)];
      f.seek(gcLogRead);
      f.readFully(bytes);
      int lastLine = new String(bytes, StandardCharsets.UTF_8).lastIndexOf('\n') + 1;   // a line still being written waits
      added = new String(bytes, 0, lastLine, StandardCharsets.UTF_8);
      gcLogRead += added.getBytes(StandardCharsets.UTF_8).length;
    }
    Long kib = null;
    for (Matcher m = FULL_GC.matcher(added); m.find(); ) {
      long value = Long.parseLong(m.group(1));
      kib = switch (m.group(2)) { case "K" -> value; case "M" -> value * 1024; default -> value * 1024 * 1024; };
    }
    return kib;
  }

  private static String field(String status, String key) {
    Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\d+)").matcher(status);
    return m.find() ? m.group(1) : "";
  }

  private String jcmd(String... command) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of(jcmd, Long.toString(pid)));
    args.addAll(List.of(command));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) throw new IOException("jcmd " + String.join(" ", command) + " failed: " + text);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return text;
  }
}
