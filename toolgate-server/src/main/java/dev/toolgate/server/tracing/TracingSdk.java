package dev.toolgate.server.tracing;

import dev.toolgate.core.config.TracingSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the OpenTelemetry SDK with its autoconfiguration, so that every standard {@code OTEL_*}
 * variable works as documented by OpenTelemetry. The {@code tracing:} section only supplies defaults:
 * a variable that is set wins. Toolgate exports traces only, over OTLP/HTTP.
 */
final class TracingSdk {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");
  private static final String DEFAULT_ENDPOINT = "http://localhost:4318";

  static {
    SdkLog.install();
  }

  private TracingSdk() {}

  /**
   * On when the file says {@code enabled: true}; when it says nothing, when {@code OTEL_TRACES_EXPORTER}
   * names an exporter (not {@code none}). {@code OTEL_SDK_DISABLED=true} turns it off in any case.
   */
  static boolean switchedOn(TracingSettings settings, Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").strip())) {
      return false;
    }
    if (settings.enabled() != null) {
      return settings.enabled();
    }
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").strip();
    return !exporter.isEmpty() && !exporter.equalsIgnoreCase("none");
  }

  /** @throws IllegalStateException when the variables ask for what is not built in, or are wrong */
  static OpenTelemetrySdk build(TracingSettings settings, Map<String, String> env) {
    for (String variable : new String[] {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"}) {
      if ("grpc".equalsIgnoreCase(env.getOrDefault(variable, "").strip())) {
        throw cannotStart(variable + "=grpc: OTLP over gRPC is not built in");
      }
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.traces.exporter", "otlp");
    // The SDK's own default is gRPC, which is not built in.
    defaults.put("otel.exporter.otlp.protocol", TracingSettings.PROTOCOL);
    if (settings.endpoint() != null) {
      defaults.put("otel.exporter.otlp.endpoint", settings.endpoint().toString());
    }
    if (settings.sampleRatio() != null) {
      defaults.put("otel.traces.sampler", "parentbased_traceidratio");
      defaults.put("otel.traces.sampler.arg", Double.toString(settings.sampleRatio()));
    }
    if (settings.serviceName() != null) {
      defaults.put("otel.service.name", settings.serviceName());
    }
    try {
      return AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          // Toolgate has no OpenTelemetry metrics or logs (metrics: /metrics; logs: stderr), whatever the variables say.
          .addPropertiesCustomizer(config -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
          .addResourceCustomizer(TracingSdk::resource)
          .disableShutdownHook() // Toolgate.close() flushes, after the last calls have ended
          .build()
          .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause().getMessage() != null) {
        cause = cause.getCause(); // the SDK wraps the one that says what is wrong
      }
      IllegalStateException failure = cannotStart(cause.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private static IllegalStateException cannotStart(String problem) {
    return new IllegalStateException("tracing cannot start: " + problem + "; Toolgate exports traces over OTLP/HTTP"
        + " (OTEL_TRACES_EXPORTER=otlp, OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf); see docs/tracing.md");
  }

  /** {@code service.name} is {@code toolgate} unless configured; {@code service.version} is the jar's. */
  private static Resource resource(Resource resource, ConfigProperties config) {
    var out = resource.toBuilder();
    String name = resource.getAttribute(SERVICE_NAME);
    if (name == null || name.startsWith("unknown_service")) {
      out.put(SERVICE_NAME, TracingSettings.DEFAULT_SERVICE_NAME);
    }
    String version = TracingSdk.class.getPackage().getImplementationVersion();
    if (version != null && resource.getAttribute(SERVICE_VERSION) == null) {
      out.put(SERVICE_VERSION, version);
    }
    return out.build();
  }

  /**
   * Where spans go, for the start-up log: the exporter and the receiver's scheme, host and port (never
   * its path or user info). Approximates the SDK's own reading: variables first, then the file.
   */
  static String describe(TracingSettings settings, Map<String, String> env) {
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "otlp").strip().toLowerCase(Locale.ROOT);
    if (!exporter.equals("otlp")) {
      return "on, exporter " + exporter;
    }
    String endpoint = firstSet(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), env.get("OTEL_EXPORTER_OTLP_ENDPOINT"),
        settings.endpoint() == null ? null : settings.endpoint().toString(), DEFAULT_ENDPOINT);
    String where;
    try {
      URI uri = URI.create(endpoint);
      where = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    } catch (IllegalArgumentException e) {
      where = "the configured endpoint";
    }
    return "on, OTLP/HTTP to " + where;
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }
}
