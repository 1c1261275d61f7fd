package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamUrlTest {

  private static String withUpstream(String upstream) {
    return """
        tools:
          - name: a
            method: GET
            path: /orders/{order_id}
            upstream: "%s"
            policy: {require: [api_key]}
        """.formatted(upstream);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ftp://files.internal/orders            | upstream URL scheme 'ftp' is not allowed: use http or https",
      "file:///etc/passwd                     | upstream URL scheme 'file' is not allowed",
      "/orders                                | upstream URL must be absolute",
      "orders.internal/api                    | upstream URL must be absolute",
      "//orders.internal/api                  | upstream URL must be absolute",
      "http:///orders                         | upstream URL has no host",
      "http:orders.internal                   | upstream URL has no host",
      "http://                                | upstream URL is not a valid URL",
      "https://bad_host.internal/             | upstream URL has no valid host name or IP address",
      "http://orders.internal:0/              | port must be from 1 to 65535",
      "http://orders.internal:70000/          | port must be from 1 to 65535",
      "http://orders.internal/api?key=1       | must not have a query",
      "http://orders.internal/api#top         | must not have a fragment",
      "http://orders internal/                | must not contain spaces",
      "http://orders.internal/a{b             | upstream URL is not a valid URL: illegal character in path",
  })
  void badUpstreams(String upstream, String message) {
    assertError(withUpstream(upstream), 5, "tools[0].upstream", message);
  }

  @Test
  void userInfoIsRefusedAndNeverEchoed() {
    for (String url : new String[] {"http://user:topsecret@orders.internal/", "https://topsecret@orders.internal", "http://u:topsecret@bad_host/"}) {
      ConfigException e = ConfigTesting.error(withUpstream(url));
      assertThat(e.field()).isEqualTo("tools[0].upstream");
      assertThat(e.getMessage())
          .contains("must not contain user info (user:password@): credentials never go in this file")
          .doesNotContain("topsecret");
    }
  }

  @Test
  void placeholdersSurviveInTheDecodedPath() {
    URI uri = ConfigTesting.parse(withUpstream("https://orders.internal:8443/v1/orders/{order_id}/status")).tools().get(0).upstream();
    assertThat(uri.getPath()).isEqualTo("/v1/orders/{order_id}/status");
    assertThat(uri.getRawPath()).isEqualTo("/v1/orders/%7Border_id%7D/status");
    assertThat(UpstreamUrl.placeholders(uri)).containsExactly("order_id");
  }

  @ParameterizedTest
  @CsvSource({
      "http://127.0.0.1:9000",
      "http://127.0.0.1:9000/",
      "HTTPS://Orders.Internal/api",
      "http://[::1]:8080/x",
      "http://localhost/orders/{order_id}",
  })
  void goodUpstreams(String upstream) {
    assertThat(ConfigTesting.parse(withUpstream(upstream)).tools().get(0).upstream().getHost()).isNotNull();
  }
}
