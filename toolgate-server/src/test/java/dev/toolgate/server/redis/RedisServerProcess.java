package dev.toolgate.server.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} for one test: its own free port on 127.0.0.1 and its own temporary
 * directory, nothing saved ({@code --save "" --appendonly no}). It can be killed (SIGKILL) and
 * started again on the same port, as a crashed and restarted Redis would be. Also a one-node
 * Cluster and a Sentinel watching another instance.
 */
public final class RedisServerProcess implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/redis-server");
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private final Path dir;
  private final int port;
  private final String password;
  private final List<String> command;
  private final boolean cluster;
  private Process process;

  private RedisServerProcess(Path dir, int port, String password, List<String> command, boolean cluster) {
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.command = List.copyOf(command);
    this.cluster = cluster;
  }

  /** A Redis without a password. */
  public static RedisServerProcess start() {
    return start(null);
  }

  /** A Redis that requires this password ({@code --requirepass}); null for none. */
  public static RedisServerProcess start(String password) {
    Path dir = tempDir("redis");
    int port = freePort();
    List<String> args = new ArrayList<>(base(dir, port));
    if (password != null) {
      args.addAll(List.of("--requirepass", password));
    }
    return launch(new RedisServerProcess(dir, port, password, args, false));
  }

  /** A one-node Redis Cluster owning every slot, ready ({@code cluster_state:ok}) when this returns. */
  public static RedisServerProcess cluster() {
    Path dir = tempDir("redis-cluster");
    int port = freePort();
    List<String> args = new ArrayList<>(base(dir, port));
    args.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString()));
    RedisServerProcess redis = launch(new RedisServerProcess(dir, port, null, args, true));
    redis.command("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
    redis.awaitClusterOk();
    return redis;
  }

  /** A Sentinel watching {@code master} under {@code masterName}, ready when it knows the master's address. */
  public static RedisServerProcess sentinel(String masterName, RedisServerProcess master) {
    Path dir = tempDir("redis-sentinel");
    int port = freePort();
    String conf = "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
        + "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1\n"
        + (master.password != null ? "sentinel auth-pass " + masterName + " " + master.password + "\n" : "");
    Path file = dir.resolve("sentinel.conf");
    try {
      Files.writeString(file, conf); // Sentinel rewrites its file: it must be its own
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisServerProcess sentinel = launch(new RedisServerProcess(dir, port, null, List.of(BINARY.toString(), file.toString(), "--sentinel"), false));
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!String.valueOf(sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)).contains(Integer.toString(master.port()))) {
      sentinel.pause(deadline, "sentinel to know master " + masterName);
    }
    return sentinel;
  }

  public int port() {
    return port;
  }

  /** Kills the server with SIGKILL (no shutdown, no goodbye to clients) and waits until it is gone. */
  public void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly(); // SIGKILL on Unix
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("redis-server on port " + port + " did not die");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered, as with a Redis stuck or overloaded. */
  public void freeze() {
    signal("-STOP");
  }

  /** Lets a frozen server go on (SIGCONT). */
  public void thaw() {
    signal("-CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts it again on the same port with the same arguments (a cluster keeps its slots: nodes.conf stays). */
  public void restart() {
    kill();
    launch(this);
    if (cluster) {
      awaitClusterOk();
    }
  }

  /**
   * One command over a plain socket (after AUTH when there is a password). Replies: simple strings
   * and numbers as text, bulk strings as text (null for none), arrays as their elements one per line.
   *
   * @throws IllegalStateException on an error reply
   */
  public String command(String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        write(out, "AUTH", password);
        read(in);
      }
      write(out, args);
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      signal("-CONT"); // a frozen process dies of SIGKILL too, but let its log be complete
    }
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }

  // ------------------------------------------------------------------ internals

  private static List<String> base(Path dir, int port) {
    return List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", dir.toString(), "--daemonize", "no");
  }

  private static RedisServerProcess launch(RedisServerProcess redis) {
    if (!java.nio.file.Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing: install Debian's redis-server (apt-get install redis-server)");
    }
    try {
      redis.process = new ProcessBuilder(redis.command).directory(redis.dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(redis.dir.resolve("redis.log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      try {
        if ("PONG".equals(redis.command("PING"))) {
          return redis;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      redis.pause(deadline, "redis-server to answer PING on port " + redis.port);
    }
  }

  private void awaitClusterOk() {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!String.valueOf(command("CLUSTER", "INFO")).contains("cluster_state:ok")) {
      pause(deadline, "cluster_state:ok on port " + port);
    }
  }

  private void pause(long deadline, String what) {
    if (!process.isAlive()) {
      throw new IllegalStateException("redis-server exited (" + process.exitValue() + ") while waiting for " + what + ": " + log());
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("timed out waiting for " + what + ": " + log());
    }
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void write(OutputStream out, String... args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      b.writeBytes(bytes);
      b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(b.toByteArray());
    out.flush();
  }

  private static String read(InputStream in) throws IOException {
    String line = line(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':' -> {
        return rest;
      }
      case '-' -> throw new IllegalStateException("Redis error: " + rest);
      case '$' -> {
        int length = Integer.parseInt(rest);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int n = Integer.parseInt(rest);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return n < 0 ? null : String.join("\n", items);
      }
      default -> throw new IllegalStateException("unexpected reply " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
