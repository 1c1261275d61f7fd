package dev.toolgate.server.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * packaging/systemd/toolgate.service as shipped: systemd's own checker finds nothing to say about it,
 * its offline security review rates it "OK" (exposure at most 2.0 of 10), and it keeps the hardening
 * and the reload the deployment guide promises.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("..", "packaging", "systemd", "toolgate.service");

  private record Result(int exit, String out) {}

  private static Result analyze(String... args) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) || Files.isExecutable(Path.of("/bin/systemd-analyze")),
        "systemd-analyze is not installed");
    String[] command = new String[args.length + 2];
    command[0] = "systemd-analyze";
    System.arraycopy(args, 0, command, 1, args.length);
    command[command.length - 1] = UNIT.toAbsolutePath().normalize().toString();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void systemdAnalyzeVerifyHasNothingToSay() throws Exception {
    // It reports unknown keys and bad values on stderr but still exits 0: both must be clean.
    Result r = analyze("verify", "--man=no");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).isEmpty();
  }

  @Test
  void itsSecurityExposureIsRatedOk() throws Exception {
    Result r = analyze("security", "--offline=yes", "--threshold=20");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("Overall exposure level for toolgate.service: 1.");
  }

  @Test
  void itRunsAsADynamicUserWithReloadAndTheHardeningTheGuideNames() throws Exception {
    String unit = Files.readString(UNIT, StandardCharsets.UTF_8);
    assertThat(unit.lines().map(String::strip)).contains(
        "DynamicUser=yes", "StateDirectory=toolgate", "ConfigurationDirectory=toolgate", "ProtectSystem=strict",
        "ProtectHome=yes", "NoNewPrivileges=yes", "PrivateTmp=yes", "CapabilityBoundingSet=",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service",
        "ExecReload=/bin/kill -HUP $MAINPID", "Environment=TOOLGATE_CONFIG=/etc/toolgate/toolgate.yaml");
    assertThat(unit).contains("-jar /opt/toolgate/toolgate.jar serve");
  }
}
