package dev.toolgate.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.TracingSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When tracing is on: the file's {@code tracing.enabled}, else {@code OTEL_TRACES_EXPORTER}; {@code OTEL_SDK_DISABLED} always wins. */
class TracingSwitchTest {
  private static TracingSettings enabled(Boolean enabled) {
    return new TracingSettings(enabled, null, null, null, null);
  }

  @Test
  void offWithoutTheSectionOrTheVariableAndThenNoSdkIsBuilt() {
    assertThat(Tracing.configure(TracingSettings.unset(), Map.of())).isSameAs(Tracing.OFF);
    assertThat(Tracing.OFF.enabled()).isFalse();
    assertThat(Tracing.configure(TracingSettings.unset(), Map.of("OTEL_TRACES_EXPORTER", "none"))).isSameAs(Tracing.OFF);
    assertThat(Tracing.configure(TracingSettings.unset(), Map.of("OTEL_TRACES_EXPORTER", " "))).isSameAs(Tracing.OFF);
    assertThat(Tracing.configure(enabled(false), Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isSameAs(Tracing.OFF);
    assertThat(Tracing.configure(enabled(true), Map.of("OTEL_SDK_DISABLED", "true"))).isSameAs(Tracing.OFF);
  }

  @Test
  void onByTheFileOrByTheVariable() {
    assertThat(TracingSdk.switchedOn(enabled(true), Map.of())).isTrue();
    assertThat(TracingSdk.switchedOn(TracingSettings.unset(), Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
    assertThat(TracingSdk.switchedOn(enabled(true), Map.of("OTEL_SDK_DISABLED", "false"))).isTrue();
  }

  @Test
  void theStartLogNamesTheReceiverWithoutItsPathOrUserInfo() {
    TracingSettings file = new TracingSettings(true, java.net.URI.create("http://collector.internal:4318/prefix"), null, null, null);
    assertThat(TracingSdk.describe(file, Map.of())).isEqualTo("on, OTLP/HTTP to http://collector.internal:4318");
    assertThat(TracingSdk.describe(TracingSettings.unset(), Map.of())).isEqualTo("on, OTLP/HTTP to http://localhost:4318");
    assertThat(TracingSdk.describe(file, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:secret@otlp.example.com/v1")))
        .isEqualTo("on, OTLP/HTTP to https://otlp.example.com");
    assertThat(TracingSdk.describe(file, Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://tempo:4318/v1/traces",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4318"))).isEqualTo("on, OTLP/HTTP to http://tempo:4318");
    assertThat(TracingSdk.describe(file, Map.of("OTEL_TRACES_EXPORTER", "console"))).isEqualTo("on, exporter console");
  }
}
