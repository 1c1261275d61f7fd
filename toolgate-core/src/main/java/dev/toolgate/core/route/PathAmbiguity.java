package dev.toolgate.core.route;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Path forms that are legal but that some upstreams read differently from Toolgate. A path with one
 * is refused (400 {@code bad_path}) unless the tool it routes to allows it ({@code tools[].allow_in_path}).
 */
public enum PathAmbiguity {
  /**
   * An encoded {@code %} that makes an escape once decoded ({@code %252e}, {@code %25%32%65}): an
   * upstream or framework that decodes twice reads {@code /a/%252e%252e/b} as {@code /a/../b}.
   */
  ENCODED_PERCENT("encoded_percent", "'%25' that decodes to a %-escape (a double-encoded escape)"),
  /**
   * A segment ending in {@code .} or an encoded space ({@code status.}, {@code orders.}, {@code ...},
   * {@code status%20}): Windows, IIS and some frameworks drop trailing dots and spaces, so
   * {@code /orders/status.} can reach {@code /orders/status}.
   */
  TRAILING_DOT("trailing_dot", "a segment ending in '.' or an encoded space");

  private final String yamlName;
  private final String description;

  PathAmbiguity(String yamlName, String description) {
    this.yamlName = yamlName;
    this.description = description;
  }

  /** The detail of a refusal for these forms. */
  public static String refusal(Set<PathAmbiguity> refused) {
    return "path has " + String.join(" and ", refused.stream().sorted().map(a -> a.description).toList())
        + ", which upstreams may read as another path; a tool accepts it only with allow_in_path: ["
        + String.join(", ", refused.stream().sorted().map(a -> a.yamlName).toList()) + "]";
  }

  public String yamlName() {
    return yamlName;
  }

  public static List<String> yamlNames() {
    return Arrays.stream(values()).map(PathAmbiguity::yamlName).toList();
  }

  public static Optional<PathAmbiguity> fromYaml(String name) {
    return Arrays.stream(values()).filter(a -> a.yamlName.equals(name)).findFirst();
  }
}
