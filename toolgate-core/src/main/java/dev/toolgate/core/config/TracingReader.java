package dev.toolgate.core.config;

import dev.toolgate.core.net.CidrBlock;
import dev.toolgate.core.net.CidrSet;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** The top-level {@code tracing:} section ({@link TracingSettings}). */
final class TracingReader {
  static final List<String> KEYS = List.of("enabled", "endpoint", "protocol", "sample_ratio", "service_name", "trusted_callers");
  private static final HttpUrl ENDPOINT = new HttpUrl("OTLP endpoint", "http://otel-collector:4318", "http://otel-collector:4318", false);
  private static final String SIGNAL_PATH = "/v1/traces";
  /** Printable ASCII and spaces: the name shows in every tracing UI. */
  private static final Pattern SERVICE_NAME = Pattern.compile("[\\x20-\\x7E]{1,128}");

  private final Problems problems;

  TracingReader(Problems problems) {
    this.problems = problems;
  }

  /** {@code tracing:}; {@link TracingSettings#unset()} when absent (or wrong: errors recorded). */
  TracingSettings read(YamlMap root) {
    YamlMap m = YamlMap.read(root.value("tracing"), "tracing", problems, KEYS);
    if (m == null) {
      return TracingSettings.unset();
    }
    Boolean enabled = m.bool("enabled");
    URI endpoint = endpoint(m);
    protocol(m);
    Double ratio = ratio(m);
    String serviceName = m.nonEmpty("service_name");
    if (serviceName != null && (!SERVICE_NAME.matcher(serviceName).matches() || !serviceName.equals(serviceName.strip()))) {
      m.error("service_name", "expected up to 128 printable characters without leading or trailing spaces, got " + Yaml.quote(serviceName));
      serviceName = null;
    }
    // An empty list is allowed: nobody's context is continued, as without the key.
    return new TracingSettings(enabled, endpoint, ratio, serviceName, m.cidrs("trusted_callers", true));
  }

  private URI endpoint(YamlMap m) {
    String text = m.nonEmpty("endpoint");
    if (text == null) {
      return null;
    }
    try {
      URI uri = ENDPOINT.parse(text);
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (path.endsWith(SIGNAL_PATH) || path.endsWith(SIGNAL_PATH + "/")) {
        m.error("endpoint", "write the receiver's base URL, e.g. http://otel-collector:4318: " + SIGNAL_PATH + " is appended");
        return null;
      }
      return uri;
    } catch (IllegalArgumentException e) {
      m.error("endpoint", e.getMessage());
      return null;
    }
  }

  private void protocol(YamlMap m) {
    String text = m.nonEmpty("protocol");
    if (text == null || text.equals(TracingSettings.PROTOCOL)) {
      return;
    }
    m.error("protocol", (text.equals("grpc") ? "gRPC is not built in" : "unknown protocol " + Yaml.quote(text)) + ": Toolgate sends OTLP"
        + " over HTTP (" + TracingSettings.PROTOCOL + "), which every OpenTelemetry Collector, Jaeger and Tempo receive on port 4318");
  }

  private Double ratio(YamlMap m) {
    Node v = m.value("sample_ratio");
    if (Yaml.isNull(v) || !Yaml.checkTag(v, m.field("sample_ratio"), problems)) {
      return null;
    }
    String expected = "expected a number from 0 to 1 (the share of new traces recorded, e.g. 0.1), got ";
    if (!(v instanceof ScalarNode scalar) || !(Tag.FLOAT.equals(v.getTag()) || Tag.INT.equals(v.getTag()))) {
      m.error("sample_ratio", expected + Yaml.describe(v));
      return null;
    }
    double ratio;
    try {
      ratio = Double.parseDouble(scalar.getValue());
    } catch (NumberFormatException e) {
      ratio = Double.NaN; // .nan, .inf and the like
    }
    if (!(ratio >= 0 && ratio <= 1)) {
      m.error("sample_ratio", expected + scalar.getValue());
      return null;
    }
    return ratio;
  }
}
