package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code tracing:} section. */
class TracingConfigTest {

  /** The tracing section's own lines start at line 2. */
  private static TracingSettings tracing(String lines) {
    return parse("tracing:\n" + lines + ONE_TOOL).tracing();
  }

  private static void assertError(String lines, String field, String messagePart) {
    ConfigException e = error("tracing:\n" + lines + ONE_TOOL);
    assertThat(lines(e)).as(e.getMessage()).hasSize(1);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(2);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).contains(messagePart);
  }

  @Test
  void withoutTheSectionNothingIsSetAndNobodyIsTrusted() {
    TracingSettings t = parse(ONE_TOOL).tracing();
    assertThat(t).isEqualTo(TracingSettings.unset());
    assertThat(t.enabled()).isNull();
    assertThat(t.trustedCallers().isEmpty()).isTrue();
  }

  @Test
  void everyKeyIsRead() {
    TracingSettings t = tracing("""
          enabled: true
          endpoint: http://otel-collector.observability:4318/prefix
          protocol: http/protobuf
          sample_ratio: 0.25
          service_name: toolgate-eu
          trusted_callers: [10.0.0.0/8, "fd00::/8"]
        """);
    assertThat(t.enabled()).isTrue();
    assertThat(t.endpoint()).isEqualTo(URI.create("http://otel-collector.observability:4318/prefix"));
    assertThat(t.sampleRatio()).isEqualTo(0.25);
    assertThat(t.serviceName()).isEqualTo("toolgate-eu");
    assertThat(t.trustedCallers().contains("10.1.2.3")).isTrue();
    assertThat(t.trustedCallers().contains("fd00::1")).isTrue();
    assertThat(t.trustedCallers().contains("192.168.0.1")).isFalse();
  }

  @Test
  void anEmptySectionAndAnExplicitOffAreValid() {
    assertThat(parse("tracing:\n" + ONE_TOOL).tracing()).isEqualTo(TracingSettings.unset());
    assertThat(tracing("  enabled: false\n").enabled()).isFalse();
    assertThat(tracing("  sample_ratio: 0\n").sampleRatio()).isEqualTo(0.0);
    assertThat(tracing("  sample_ratio: 1\n").sampleRatio()).isEqualTo(1.0);
    assertThat(tracing("  trusted_callers: []\n").trustedCallers().isEmpty()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "enabled: yes please                        | tracing.enabled         | expected true or false",
      "endpoint: otel-collector:4318              | tracing.endpoint        | OTLP endpoint",
      "endpoint: ftp://collector:4318             | tracing.endpoint        | use http or https",
      "endpoint: http://user:pw@collector:4318    | tracing.endpoint        | credentials never go in this file",
      "endpoint: http://collector:4318/v1/traces  | tracing.endpoint        | /v1/traces is appended",
      "endpoint: http://collector:4318/?x=1       | tracing.endpoint        | must not have a query",
      "protocol: grpc                             | tracing.protocol        | gRPC is not built in",
      "protocol: http/json                        | tracing.protocol        | unknown protocol 'http/json'",
      "sample_ratio: 1.5                          | tracing.sample_ratio    | expected a number from 0 to 1",
      "sample_ratio: -0.1                         | tracing.sample_ratio    | expected a number from 0 to 1",
      "sample_ratio: .nan                         | tracing.sample_ratio    | expected a number from 0 to 1",
      "sample_ratio: half                         | tracing.sample_ratio    | got a string ('half')",
      "service_name: ''                           | tracing.service_name    | must not be empty",
      "trusted_callers: 10.0.0.0/8                | tracing.trusted_callers | expected a list",
      "trusted_callers: [10.0.0.1/8]              | tracing.trusted_callers[0] | host bits set",
      "trusted_callers: [example.com]             | tracing.trusted_callers[0] | not an IPv4 or IPv6 address",
      "trusted_callers: [10.0.0.0/8, 10.0.0.0/8]  | tracing.trusted_callers[1] | is listed twice",
      "sampler: always_on                         | tracing.sampler         | unknown key 'sampler'",
  })
  void wrongValuesNameTheLineAndField(String line, String field, String messagePart) {
    assertError("  " + line + "\n", field, messagePart);
  }

  @Test
  void aServiceNameWithControlCharactersIsRefusedEscaped() {
    assertError("  service_name: \"tool\\tgate\"\n", "tracing.service_name", "'tool\\u0009gate'");
  }

  @Test
  void theSectionMustBeAMapping() {
    ConfigException e = error("tracing: true\n" + ONE_TOOL);
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.field()).isEqualTo("tracing");
    assertThat(e.getMessage()).contains("expected a mapping");
  }
}
