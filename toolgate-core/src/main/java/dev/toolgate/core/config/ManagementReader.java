package dev.toolgate.core.config;

import java.util.List;
import java.util.Optional;

/** The top-level {@code management:} section ({@link ManagementSettings}): written means on. */
final class ManagementReader {
  static final String KEY = "management";
  static final List<String> KEYS = List.of("host", "port");

  private final Problems problems;

  ManagementReader(Problems problems) {
    this.problems = problems;
  }

  /** {@code management:}; empty when the section is not written (or has errors, then recorded). */
  Optional<ManagementSettings> read(YamlMap root, ServerSettings server) {
    if (!root.written(KEY)) {
      return Optional.empty();
    }
    YamlMap m = YamlMap.read(root.value(KEY), KEY, problems, KEYS);
    if (m == null) {
      return Optional.empty();
    }
    String host = m.nonEmpty("host");
    if (host != null && !ValueChecks.LISTEN_HOST.matcher(host).matches()) {
      m.error("host", "invalid host " + Yaml.quote(host) + " (the address to listen on, e.g. 127.0.0.1 or ::1; 0.0.0.0 exposes"
          + " metrics to the network)");
      host = null;
    }
    Long port = m.whole("port", 0, 65535);
    int chosen = port != null ? port.intValue() : ManagementSettings.DEFAULT_PORT;
    if (chosen != 0 && chosen == server.port()) {
      problems.add(m.lineOf("port"), m.field("port"), "must differ from server.port (" + server.port()
          + "): the management interface listens on a port of its own" + (port == null ? " (the default is "
          + ManagementSettings.DEFAULT_PORT + ")" : ""));
    }
    return Optional.of(new ManagementSettings(host != null ? host : ManagementSettings.DEFAULT_HOST, chosen));
  }
}
