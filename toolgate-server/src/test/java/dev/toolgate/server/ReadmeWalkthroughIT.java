package dev.toolgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Five minutes with curl", run as written: its bash blocks, read from README.md now,
 * run one after the other by one bash in a fresh directory, where {@code ./toolgate} is the
 * repository's launcher (so the real jar), in a network namespace of their own when the machine
 * allows it (the README uses the fixed ports 8080 and 9000). Every command must succeed, and every
 * result the README states after a command ({@code # → 401 signature_invalid}: the HTTP status and,
 * for a refusal, the problem code) must be what that command printed.
 */
class ReadmeWalkthroughIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final String SECTION = "## Five minutes with curl";
  /** A stated result: {@code # → STATUS [code]}, then, after a comma or semicolon, words for the reader. */
  private static final Pattern EXPECT = Pattern.compile("# → (\\d{3})(?: ([a-z_]+))?(?=$|[,;])");
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/\\d(?:\\.\\d)? (\\d{3})");

  @TempDir Path dir;

  /** One command of the walkthrough, as written (continuation lines and here-documents included). */
  record Command(String text, String status, String code) {}

  @Test
  void theWalkthroughWorksExactlyAsWritten() throws Exception {
    for (String tool : List.of("bash", "curl", "jq")) {
      assumeTrue(onPath(tool), tool + " is not installed; the README walkthrough needs it (.ci/run installs jq)");
    }
    Path jar = REPO.resolve("toolgate-server/target/toolgate.jar");
    assertThat(jar).as("the launcher would build it first").exists();

    String section = section(Files.readString(REPO.resolve("README.md"), StandardCharsets.UTF_8));
    List<String> blocks = blocks(section, "bash");
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(8);
    // The YAML shown to explain a tool is the YAML the walkthrough writes.
    for (String yaml : blocks(section, "yaml")) {
      assertThat(blocks.get(0)).as("the first block writes toolgate.yaml with this YAML in it").contains(yaml);
    }
    List<Command> commands = new ArrayList<>();
    for (String block : blocks) {
      commands.addAll(commands(block));
    }
    for (Command c : commands) {
      if (c.text().matches("(?s)^(\\w+=\\$\\()?curl -s?i .*")) {
        assertThat(c.status()).as("the README states what this command answers:%n%s", c.text()).isNotNull();
      }
    }
    assertThat(commands.stream().filter(c -> c.status() != null).count()).isGreaterThanOrEqualTo(15);

    Path launcher = dir.resolve("toolgate");
    Files.writeString(launcher, "#!/bin/sh\nexec '" + REPO.resolve("toolgate") + "' \"$@\"\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = dir.resolve("walkthrough.sh");
    Files.writeString(script, script(commands), StandardCharsets.UTF_8);

    String out = run(script);
    for (int i = 0; i < commands.size(); i++) {
      Command c = commands.get(i);
      Matcher m = Pattern.compile("(?s)\n@@@ " + i + "\n(.*)\n@@@ " + i + " exit (\\d+)\n").matcher(out);
      assertThat(m.find()).as("command %d ran:%n%s%n--- output:%n%s%n--- stderr:%n%s", i, c.text(), out, stderr()).isTrue();
      String printed = m.group(1);
      assertThat(m.group(2)).as("exit status of%n%s%n--- it printed:%n%s%n--- stderr:%n%s", c.text(), printed, stderr()).isEqualTo("0");
      if (c.status() != null) {
        Matcher status = STATUS_LINE.matcher(printed);
        String last = null;
        while (status.find()) {
          last = status.group(1);
        }
        assertThat(last).as("HTTP status of%n%s%n--- it printed:%n%s", c.text(), printed).isEqualTo(c.status());
        if (c.code() != null) {
          assertThat(printed).as("problem code of%n%s", c.text()).contains("\"code\":\"" + c.code() + "\"");
        }
      }
    }
  }

  /** From the section's heading to the next heading of the same level. */
  static String section(String readme) {
    int start = readme.indexOf("\n" + SECTION + "\n");
    assertThat(start).as("README.md has the section '%s'", SECTION).isNotNegative();
    int end = readme.indexOf("\n## ", start + SECTION.length() + 2);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  static List<String> blocks(String markdown, String language) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("(?ms)^```" + language + "\n(.*?)^```$").matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /**
   * Splits a block into commands: a line ending in a backslash continues on the next, a here-document
   * runs to its delimiter, and a comment line right after a command may state its result.
   */
  static List<Command> commands(String block) {
    List<Command> commands = new ArrayList<>();
    List<String> lines = block.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      if (line.stripLeading().startsWith("#")) {
        Matcher expect = EXPECT.matcher(line);
        if (expect.find() && !commands.isEmpty()) {
          Command last = commands.remove(commands.size() - 1);
          commands.add(new Command(last.text(), expect.group(1), expect.group(2)));
        }
        continue;
      }
      StringBuilder text = new StringBuilder(line);
      Matcher heredoc = Pattern.compile("<<-?'?(\\w+)'?").matcher(line);
      boolean isHeredoc = heredoc.find();
      if (isHeredoc) {
        while (!lines.get(++i).equals(heredoc.group(1))) {
          text.append('\n').append(lines.get(i));
        }
        text.append('\n').append(lines.get(i));
      } else {
        while (lines.get(i).endsWith("\\")) {
          text.append('\n').append(lines.get(++i));
        }
      }
      Matcher expect = EXPECT.matcher(isHeredoc ? "" : lines.get(i));
      commands.add(expect.find() ? new Command(text.toString(), expect.group(1), expect.group(2)) : new Command(text.toString(), null, null));
    }
    return commands;
  }

  /** The commands as written, each between markers that say which one printed what, and its exit status. */
  static String script(List<Command> commands) {
    StringBuilder s = new StringBuilder("trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n");
    for (int i = 0; i < commands.size(); i++) {
      s.append("printf '\\n@@@ ").append(i).append("\\n'\n");
      s.append(commands.get(i).text()).append('\n');
      s.append("printf '\\n@@@ ").append(i).append(" exit %d\\n' $?\n");
    }
    return s.toString();
  }

  private String run(Path script) throws Exception {
    List<String> command = new ArrayList<>();
    if (privateNetworkWorks()) {
      command.addAll(List.of("unshare", "--net", "sh", "-c", "ip link set lo up && exec bash \"$0\"", script.toString()));
    } else {
      command.addAll(List.of("bash", script.toString()));
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TOOLGATE_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = builder.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("the walkthrough did not finish within 10 minutes; stderr:\n" + stderr());
    }
    return Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
  }

  private String stderr() throws Exception {
    return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
  }

  /** A network namespace of its own, with loopback up: ports 8080 and 9000 are free there whatever runs here. */
  private static boolean privateNetworkWorks() throws Exception {
    if (!onPath("unshare") || !onPath("ip")) {
      return false;
    }
    Process p = new ProcessBuilder("unshare", "--net", "ip", "link", "set", "lo", "up").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }

  private static boolean onPath(String tool) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }
}
