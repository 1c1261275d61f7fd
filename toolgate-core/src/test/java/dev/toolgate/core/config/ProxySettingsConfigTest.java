package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.TrustedProxies;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** server.client_ip_header, server.trusted_proxy_hops and server.decisions. */
class ProxySettingsConfigTest {

  private static void assertError(String yaml, int line, String field, String messagePart) {
    ConfigException e = error(yaml);
    assertThat(lines(e)).as(e.getMessage()).hasSize(1);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).contains(messagePart);
  }

  @Test
  void defaultsAreXForwardedForOneHopAndTheOriginalHeaders() {
    ServerSettings s = parse("server:\n  trusted_proxies: [127.0.0.1]\n" + ONE_TOOL).server();
    assertThat(s.trustedProxies()).isEqualTo(new TrustedProxies(CidrSet.parse(List.of("127.0.0.1")), "x-forwarded-for", 1));
    assertThat(s.decisions()).isEqualTo(new DecisionSource(DecisionSource.Kind.HEADERS, "x-original-uri", "x-original-method"));
    assertThat(parse(ONE_TOOL).server().decisions()).isEqualTo(DecisionSource.defaults());
  }

  @Test
  void everyKeySet() {
    ServerSettings s = parse("""
        server:
          trusted_proxies: [10.0.0.0/8]
          client_ip_header: X-Real-IP
          trusted_proxy_hops: 2
          decisions: { source: headers, uri_header: X-Forwarded-Uri, method_header: X-Forwarded-Method }
        """ + ONE_TOOL).server();
    assertThat(s.trustedProxies().clientIpHeader()).isEqualTo("x-real-ip");
    assertThat(s.trustedProxies().hops()).isEqualTo(2);
    assertThat(s.decisions()).isEqualTo(new DecisionSource(DecisionSource.Kind.HEADERS, "x-forwarded-uri", "x-forwarded-method"));
    assertThat(parse("server:\n  decisions: { source: path }\n" + ONE_TOOL).server().decisions()).isEqualTo(DecisionSource.path());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "client_ip_header: X-Real-IP                  | server.client_ip_header   | has no effect without `trusted_proxies`",
      "trusted_proxy_hops: 2                        | server.trusted_proxy_hops | has no effect without `trusted_proxies`",
      "decisions: { source: nginx }                 | server.decisions.source   | unknown source 'nginx' (known: headers",
      "decisions: { source: path, uri_header: X-A } | server.decisions.uri_header | applies to source headers only",
      "decisions: { uri_header: X-A, method_header: x-a } | server.decisions.method_header | must differ from uri_header",
      "decisions: { uri_header: 'X Original' }      | server.decisions.uri_header | expected a header name of letters, digits and '-'",
      "decisions: { method_header: Host }           | server.decisions.method_header | 'Host' is an HTTP header with a meaning of its own",
      "decisions: { uri_header: X-Forwarded-For }   | server.decisions.uri_header | is also server.client_ip_header",
      "decisions: { sauce: headers }                | server.decisions.sauce    | unknown key 'sauce'",
  })
  void mistakesAreReportedWithFieldAndLine(String line, String field, String message) {
    assertError("server:\n  " + line + "\n" + ONE_TOOL, 2, field, message);
  }

  @ParameterizedTest
  @CsvSource({"0", "17", "one"})
  void hopsAreAWholeNumberFromOneToSixteen(String hops) {
    assertError("server:\n  trusted_proxies: [127.0.0.1]\n  trusted_proxy_hops: " + hops + "\n" + ONE_TOOL, 3, "server.trusted_proxy_hops", "");
  }
}
