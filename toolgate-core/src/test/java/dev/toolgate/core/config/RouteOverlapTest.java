package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static dev.toolgate.core.config.ConfigTesting.tool;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteOverlapTest {

  /** Two tools, the first at line 2 (path at line 4), the second at line 7 (path at line 9). */
  private static String twoTools(String method1, String path1, String method2, String path2) {
    return "tools:\n" + tool("first", method1, path1) + tool("second", method2, path2);
  }

  @ParameterizedTest(name = "{0} {1} overlaps {2} {3}")
  @CsvSource({
      "GET, /orders/{id},      GET, /orders/latest",
      "GET, /orders/latest,    GET, /orders/{id}",
      "GET, /a/**,             GET, /a/b",
      "GET, /a/**,             GET, /a",
      "*,   /**,               POST, /x/y",
      "GET, /users/{id}/x,     GET, /users/{name}/x",
      "GET, /orders/{id},      *,   /orders/{id}",
      "*,   /orders/{id},      DELETE, /orders/latest",
      "POST, /same,            POST, /same",
  })
  void overlappingRoutesAreRefusedNamingBothToolsAndTheFirstLine(String m1, String p1, String m2, String p2) {
    ConfigException e = error(twoTools(m1, p1, m2, p2));
    assertThat(lines(e)).hasSize(1);
    assertThat(e.line()).isEqualTo(9);
    assertThat(e.field()).isEqualTo("tools[1].path");
    assertThat(e.getMessage())
        .contains("of tool 'second' overlaps route")
        .contains("of tool 'first' (line 2)")
        .contains("a request could match both");
  }

  @Test
  void overlapMessage() {
    ConfigException e = error(twoTools("GET", "/orders/{id}", "GET", "/orders/latest"));
    assertThat(e.getMessage()).isEqualTo("toolgate.yaml:9: tools[1].path: route GET /orders/latest of tool 'second' overlaps"
        + " route GET /orders/{id} of tool 'first' (line 2): a request could match both; make the paths or the methods distinct");
  }

  @ParameterizedTest(name = "{0} {1} and {2} {3} do not overlap")
  @CsvSource({
      "GET, /orders/latest,    GET,  /orders/recent",
      "GET, /orders/{id},      POST, /orders/{id}",
      "GET, /orders/{id},      GET,  /orders/{id}/items",
      "GET, /orders,           GET,  /orders/{id}",
      "GET, /a/**,             GET,  /b/c",
      "PUT, /a/**,             GET,  /a/b",
      "GET, /,                 GET,  /a",
  })
  void distinctRoutesAreAccepted(String m1, String p1, String m2, String p2) {
    assertThat(parse(twoTools(m1, p1, m2, p2)).tools()).hasSize(2);
  }

  @Test
  void everyOverlappingPairIsReported() {
    ConfigException e = error("tools:\n" + tool("a", "GET", "/x/{id}") + tool("b", "GET", "/x/y") + tool("c", "*", "/x/**"));
    assertThat(lines(e)).hasSize(3);
    assertThat(e.getMessage())
        .contains("tool 'b' overlaps route GET /x/{id} of tool 'a' (line 2)")
        .contains("tool 'c' overlaps route GET /x/{id} of tool 'a' (line 2)")
        .contains("tool 'c' overlaps route GET /x/y of tool 'b' (line 7)");
  }
}
