package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code toolgate demo} keeps its config, database and master key in a temporary directory and
 * deletes it when it stops: on Ctrl-C, on SIGTERM, and when it cannot start. Run as a process of
 * its own, with its own {@code java.io.tmpdir}, and stopped with real signals.
 */
class DemoCleanupTest {
  @TempDir Path dir;

  private Path tmpdir() throws IOException {
    return Files.createDirectories(dir.resolve("tmp"));
  }

  private static List<Path> demoDirectories(Path tmpdir) throws IOException {
    try (Stream<Path> entries = Files.list(tmpdir)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("toolgate-demo-")).toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void theTemporaryDirectoryIsDeletedWhenTheDemoIsStopped(String signal) throws Exception {
    Path tmpdir = tmpdir();
    CliProcess demo = CliProcess.start(dir, tmpdir, Map.of(), "demo", "--port", "0", "--upstream-port", "0");
    try {
      demo.awaitOutput("Press Ctrl-C to stop.");
      List<Path> made = demoDirectories(tmpdir);
      assertThat(made).singleElement().satisfies(home -> assertThat(home.resolve("toolgate.key")).exists());
      assertThat(demo.stdout()).contains("is deleted when it stops (keep one with --dir DIR)");

      demo.signal(signal);
      demo.waitForExit();

      assertThat(demoDirectories(tmpdir)).as("after SIG%s; stderr:%n%s", signal, demo.stderr()).isEmpty();
    } finally {
      demo.destroy();
    }
  }

  @Test
  void theTemporaryDirectoryIsDeletedWhenTheDemoCannotStart() throws Exception {
    Path tmpdir = tmpdir();
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliProcess demo = CliProcess.start(dir, tmpdir, Map.of(), "demo", "--port", Integer.toString(busy.getLocalPort()), "--upstream-port", "0");
      assertRefusedForTheBusyPort(demo.waitForExit());
    }
    assertThat(demoDirectories(tmpdir)).isEmpty();
  }

  @Test
  void aDirectoryGivenWithDirIsKept() throws Exception {
    Path kept = dir.resolve("kept");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertRefusedForTheBusyPort(CliProcess.start(dir, tmpdir(), Map.of(), "demo", "--dir", kept.toString(), "--port", Integer.toString(busy.getLocalPort()),
          "--upstream-port", "0").waitForExit());
    }
    assertThat(kept.resolve("toolgate.key")).exists();
  }

  /** Exit 1 with the address named; stderr also carries the demo's log lines (a new master key, a new signing key). */
  private static void assertRefusedForTheBusyPort(CliTestSupport.Run r) {
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("error: cannot start the gateway: 127.0.0.1:").contains("is already in use by another program")
        .doesNotContain("\tat ");
  }
}
