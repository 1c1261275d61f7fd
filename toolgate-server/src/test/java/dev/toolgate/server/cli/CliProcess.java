package dev.toolgate.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code toolgate} in a JVM of its own, for what an in-process run cannot show: environment
 * variables, signals, the exit of the process. Same classes as the tests, so no jar is needed.
 * Output goes to files in {@code dir}, read after the process has written it.
 */
final class CliProcess {
  private final Process process;
  private final Path out;
  private final Path err;

  private CliProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts {@code toolgate ARGS...}.
   *
   * @param dir working directory, and where stdout and stderr are kept
   * @param tmpdir the JVM's temporary directory ({@code java.io.tmpdir}), or null for the default
   * @param env variables added to the environment (inherited otherwise, minus TOOLGATE_MASTER_KEY)
   */
  static CliProcess start(Path dir, Path tmpdir, Map<String, String> env, String... args) throws IOException {
    return start(List.of(), dir, tmpdir, env, args);
  }

  /** Starts {@code toolgate ARGS...} under nohup(1): with SIGHUP ignored, as a shell's {@code nohup toolgate serve &} does. */
  static CliProcess startUnderNohup(Path dir, String... args) throws IOException {
    return start(List.of("nohup"), dir, null, Map.of(), args);
  }

  private static CliProcess start(List<String> prefix, Path dir, Path tmpdir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (tmpdir != null) {
      command.add("-Djava.io.tmpdir=" + tmpdir);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ToolgateCli.class.getName());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "stdout-", ".txt");
    Path err = Files.createTempFile(dir, "stderr-", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("TOOLGATE_MASTER_KEY");
    builder.environment().putAll(env);
    return new CliProcess(builder.start(), out, err);
  }

  /** Runs {@code toolgate ARGS...} to its end (at most a minute). */
  static CliTestSupport.Run run(Path dir, Map<String, String> env, String... args) throws Exception {
    CliProcess p = start(dir, null, env, args);
    return p.waitForExit();
  }

  /** Waits for the process to end (at most a minute) and returns what it printed. */
  CliTestSupport.Run waitForExit() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("toolgate did not exit within a minute; stderr:\n" + stderr());
    }
    return new CliTestSupport.Run(process.exitValue(), stdout(), stderr());
  }

  /** Polls stdout until it contains {@code text} (at most a minute), failing if the process ends first. */
  void awaitOutput(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!stdout().contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError("toolgate exited (" + process.exitValue() + ") before printing '" + text + "'; stderr:\n" + stderr());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("toolgate did not print '" + text + "' within a minute; stderr:\n" + stderr());
      }
      Thread.sleep(100);
    }
  }

  /** Sends a signal (e.g. "INT", "TERM") with kill(1), as a terminal or a service manager would. */
  void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " failed");
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void destroy() {
    process.destroyForcibly();
  }

  String stdout() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }
}
