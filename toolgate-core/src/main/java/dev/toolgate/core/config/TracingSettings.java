package dev.toolgate.core.config;

import dev.toolgate.core.net.CidrSet;
import java.net.URI;
import java.util.List;

/**
 * The top-level {@code tracing:} section (docs/tracing.md). Every value may be left out; the standard
 * {@code OTEL_*} environment variables fill in, and override, what the file says.
 *
 * @param enabled {@code true} or {@code false} as written; null when not written: then tracing is on
 *     only when {@code OTEL_TRACES_EXPORTER} names an exporter
 * @param endpoint the OTLP/HTTP receiver's base URL (an OpenTelemetry Collector, Jaeger, Tempo), to which
 *     {@code /v1/traces} is appended; null: {@code OTEL_EXPORTER_OTLP_ENDPOINT}, else {@code http://localhost:4318}
 * @param sampleRatio the share of new traces recorded, from 0 to 1; a trusted caller's own decision is
 *     followed; null: every trace (or what {@code OTEL_TRACES_SAMPLER} says)
 * @param serviceName {@code service.name} of the spans; null: {@code OTEL_SERVICE_NAME}, else {@code toolgate}
 * @param trustedCallers peers whose incoming {@code traceparent} and {@code tracestate} are continued;
 *     anyone else's are ignored and a new trace starts; empty: nobody's
 */
public record TracingSettings(Boolean enabled, URI endpoint, Double sampleRatio, String serviceName, CidrSet trustedCallers) {
  /** The one OTLP protocol built in: gRPC would need a second HTTP stack (OkHttp and the Kotlin runtime). */
  public static final String PROTOCOL = "http/protobuf";
  public static final String DEFAULT_SERVICE_NAME = "toolgate";

  public TracingSettings {
    if (sampleRatio != null && !(sampleRatio >= 0 && sampleRatio <= 1)) {
      throw new IllegalArgumentException("sample ratio must be from 0 to 1, got " + sampleRatio);
    }
    trustedCallers = trustedCallers == null ? new CidrSet(List.of()) : trustedCallers;
  }

  /** No {@code tracing:} section: off unless the environment switches it on. */
  public static TracingSettings unset() {
    return new TracingSettings(null, null, null, null, null);
  }
}
