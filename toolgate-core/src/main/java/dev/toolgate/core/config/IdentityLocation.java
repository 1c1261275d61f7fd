package dev.toolgate.core.config;

import java.util.Objects;

/**
 * Where in a call a value is read: a header, a JSON body field (RFC 6901 pointer), a path parameter
 * of the tool's route or a query parameter. Sendbird can place dynamic values only in the URL or
 * the body, so all four are offered.
 *
 * @param place which part of the request
 * @param name header name (lower case), JSON Pointer, path parameter name or query parameter name
 */
public record IdentityLocation(Place place, String name) {
  public enum Place {
    HEADER("header"), BODY("body_field"), PATH("path_param"), QUERY("query_param");

    private final String yamlName;

    Place(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  public IdentityLocation {
    Objects.requireNonNull(place, "place");
    Objects.requireNonNull(name, "name");
  }

  public static IdentityLocation header(String name) { return new IdentityLocation(Place.HEADER, name); }
  public static IdentityLocation body(String pointer) { return new IdentityLocation(Place.BODY, pointer); }
  public static IdentityLocation path(String param) { return new IdentityLocation(Place.PATH, param); }
  public static IdentityLocation query(String param) { return new IdentityLocation(Place.QUERY, param); }

  /** For traces and errors: "body field /user_id", "path parameter user_id"... */
  public String describe() {
    return switch (place) {
      case HEADER -> "header " + name;
      case BODY -> "body field " + name;
      case PATH -> "path parameter " + name;
      case QUERY -> "query parameter " + name;
    };
  }
}
