package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The build writes the project version where the jar carries it, and --version prints it. */
class VersionTest {
  /** The version in this module's pom (its parent's version, which it inherits). */
  private static String pomVersion() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
    Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL).matcher(pom);
    assertThat(parent.find()).as("pom.xml names its parent's version").isTrue();
    return parent.group(1);
  }

  @Test
  void theBuildWritesTheProjectVersionIntoTheClassesTheJarIsMadeOf() throws Exception {
    Path written = Path.of("target", "classes", "dev", "toolgate", "server", "cli", Version.RESOURCE);
    assertThat(Files.readString(written, StandardCharsets.UTF_8)).contains("version=" + pomVersion()).doesNotContain("${");
    assertThat(Version.version()).isEqualTo(pomVersion());
  }

  @Test
  void versionPrintsIt() throws Exception {
    CliTestSupport.Run r = CliTestSupport.run("--version").ok();
    assertThat(r.out()).isEqualTo("toolgate " + pomVersion() + "\n");
  }
}
