package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The build writes the project version and git commit where the jar carries them, and --version prints them. */
class VersionTest {
  /** The version in this module's pom (its parent's version, which it inherits). */
  static String pomVersion() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
    Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL).matcher(pom);
    assertThat(parent.find()).as("pom.xml names its parent's version").isTrue();
    return parent.group(1);
  }

  /** The commit checked out in this source tree, as git itself says; the build must have written the same. */
  static String headCommit() throws Exception {
    Process git = new ProcessBuilder("git", "rev-parse", "HEAD").directory(Path.of("..").toFile()).redirectErrorStream(true).start();
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(git.exitValue()).as("git rev-parse HEAD: %s", out).isZero();
    assertThat(out).matches("[0-9a-f]{40}");
    return out;
  }

  @Test
  void theBuildWritesTheProjectVersionAndCommitIntoTheClassesTheJarIsMadeOf() throws Exception {
    Path written = Path.of("target", "classes", "dev", "toolgate", "server", "cli", Version.RESOURCE);
    assertThat(Files.readString(written, StandardCharsets.UTF_8))
        .contains("version=" + pomVersion(), "commit=" + headCommit()).doesNotContain("${");
    assertThat(Version.built()).isEqualTo(new Version.Built(pomVersion(), headCommit()));
  }

  @Test
  void versionPrintsThem() throws Exception {
    CliTestSupport.Run r = CliTestSupport.run("--version").ok();
    assertThat(r.out()).isEqualTo("toolgate " + pomVersion() + " (commit " + headCommit() + ")\n");
  }
}
