package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code management:} and {@code access_log:}: off unless written, defaults, and file:line errors. */
class ObservabilityConfigTest {

  @Test
  void bothAreOffUnlessWritten() {
    GatewayConfig c = parse(ONE_TOOL);
    assertThat(c.management()).isEmpty();
    assertThat(c.accessLog().enabled()).isFalse();
  }

  @Test
  void anEmptyManagementSectionListensOnLoopbackAtTheDefaultPort() {
    assertThat(parse("management:\n" + ONE_TOOL).management()).contains(new ManagementSettings("127.0.0.1", 9464));
    assertThat(parse("management: {}\n" + ONE_TOOL).management()).contains(ManagementSettings.defaults());
    assertThat(parse("management: {host: '::1', port: 0}\n" + ONE_TOOL).management()).contains(new ManagementSettings("::1", 0));
  }

  @Test
  void managementErrorsNameLineAndField() {
    assertThat(error("management:\n  port: 70000\n" + ONE_TOOL).getMessage())
        .isEqualTo("toolgate.yaml:2: management.port: expected a whole number from 0 to 65535, got 70000");
    assertThat(error("management:\n  host: 'a b'\n" + ONE_TOOL).getMessage())
        .startsWith("toolgate.yaml:2: management.host: invalid host 'a b'");
    assertThat(error("management:\n  prot: 9000\n" + ONE_TOOL).getMessage())
        .isEqualTo("toolgate.yaml:2: management.prot: unknown key 'prot' (allowed: host, port; did you mean 'port'?)");
    assertThat(error("management: on\n" + ONE_TOOL).getMessage()).startsWith("toolgate.yaml:1: management: expected a mapping");
  }

  @Test
  void managementMustNotShareTheServerPort() {
    assertThat(error("server: {port: 9100}\nmanagement: {port: 9100}\n" + ONE_TOOL).getMessage())
        .isEqualTo("toolgate.yaml:2: management.port: must differ from server.port (9100): the management interface listens on a port of its own");
    assertThat(error("server: {port: 9464}\nmanagement: {}\n" + ONE_TOOL).getMessage())
        .isEqualTo("toolgate.yaml:2: management.port: must differ from server.port (9464): the management interface listens on a port"
            + " of its own (the default is 9464)");
    // Both free ports: no clash.
    assertThat(parse("server: {port: 0}\nmanagement: {port: 0}\n" + ONE_TOOL).management()).isPresent();
  }

  @Test
  void theServePortFlagOverridesTheManagementPort() {
    GatewayConfig c = parse("management: {host: '::1', port: 9100}\n" + ONE_TOOL).withManagementPort(9101);
    assertThat(c.management()).contains(new ManagementSettings("::1", 9101));
    assertThat(parse(ONE_TOOL).withManagementPort(0).management()).contains(new ManagementSettings("127.0.0.1", 0));
    assertThat(parse("management: {port: 9100}\n" + ONE_TOOL).withListenPort(8123).management()).contains(new ManagementSettings("127.0.0.1", 9100));
  }

  @Test
  void anEmptyAccessLogSectionWritesTextToStandardOutput() {
    AccessLogSettings log = parse("access_log:\n" + ONE_TOOL).accessLog();
    assertThat(log).isEqualTo(new AccessLogSettings(true, AccessLogSettings.Format.TEXT, null, AccessLogSettings.DEFAULT_QUEUE_LINES));
    assertThat(parse("access_log: {path: '-'}\n" + ONE_TOOL).accessLog().path()).isNull();
    assertThat(parse("access_log: {enabled: false, format: json}\n" + ONE_TOOL).accessLog().enabled()).isFalse();
  }

  @Test
  void aRelativeAccessLogPathIsResolvedAgainstTheConfigurationFile() {
    AccessLogSettings log = parse("access_log: {format: json, path: logs/access.log, queue_lines: 100}\n" + ONE_TOOL).accessLog();
    assertThat(log.format()).isEqualTo(AccessLogSettings.Format.JSON);
    assertThat(log.path()).isEqualTo(Path.of("logs/access.log").toAbsolutePath().normalize());
    assertThat(log.queueLines()).isEqualTo(100);
    assertThat(parse("access_log: {path: /var/log/toolgate/../toolgate/access.log}\n" + ONE_TOOL).accessLog().path())
        .isEqualTo(Path.of("/var/log/toolgate/access.log"));
  }

  @Test
  void accessLogErrorsNameLineAndField() {
    assertThat(error("access_log:\n  format: xml\n" + ONE_TOOL).getMessage())
        .isEqualTo("toolgate.yaml:2: access_log.format: unknown format 'xml' (expected text or json)");
    assertThat(error("access_log:\n  queue_lines: 0\n" + ONE_TOOL).getMessage())
        .startsWith("toolgate.yaml:2: access_log.queue_lines: expected a whole number from 1 to 1000000");
    assertThat(error("access_log:\n  enabled: maybe\n" + ONE_TOOL).getMessage()).startsWith("toolgate.yaml:2: access_log.enabled: ");
    assertThat(error("access_log:\n  path: \"a\\0b\"\n" + ONE_TOOL).getMessage())
        .startsWith("toolgate.yaml:2: access_log.path: invalid file path");
    assertThat(error("access_log:\n  fromat: json\n" + ONE_TOOL).getMessage())
        .isEqualTo("toolgate.yaml:2: access_log.fromat: unknown key 'fromat' (allowed: enabled, format, path, queue_lines; did you mean 'format'?)");
  }
}
