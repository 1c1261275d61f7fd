package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.net.CidrBlock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** server.trusted_proxies, platforms.*.allowed_ips, tools[].allowed_ips and rate_limits, failed_auth_limit. */
class LimitsConfigTest {

  /** Platform {@code p} (lines from 3) and one tool of it whose extra lines start at line 11. */
  private static String config(String platformLines, String toolLines) {
    return "platforms:\n"
        + "  p:\n"
        + platformLines
        + "tools:\n"
        + "  - name: t\n"
        + "    method: GET\n"
        + "    path: /t\n"
        + "    upstream: http://127.0.0.1:9000\n"
        + "    platform: p\n"
        + "    policy: {require: [api_key]}\n"
        + toolLines;
  }

  private static void assertError(String yaml, int line, String field, String messagePart) {
    ConfigException e = error(yaml);
    assertThat(lines(e)).as(e.getMessage()).hasSize(1);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).contains(messagePart);
  }

  private static ToolConfig tool(String toolLines) {
    return parse(config("    {}\n", toolLines)).tools().get(0);
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void defaultsAreNoProxiesNoAllowlistsNoLimitsAndTwentyFailuresAMinute() {
    GatewayConfig c = parse(config("    {}\n", ""));
    assertThat(c.server().trustedProxies().proxies().isEmpty()).isTrue();
    assertThat(c.platforms().get("p").allowedIps()).isNull();
    assertThat(c.tools().get(0).allowedIps()).isNull();
    assertThat(c.tools().get(0).rateLimits()).isEmpty();
    assertThat(c.failedAuthLimit()).isEqualTo(Optional.of(new RateLimit(20, Duration.ofMinutes(1))));
    assertThat(c.failedAuthLimit()).isEqualTo(Optional.of(GatewayConfig.DEFAULT_FAILED_AUTH_LIMIT));
  }

  // ------------------------------------------------------------------ CIDR lists

  @Test
  void trustedProxiesAcceptIpv4Ipv6AndBareAddresses() {
    GatewayConfig c = parse("server:\n  trusted_proxies: [10.0.0.0/8, \"fd00::/8\", 127.0.0.1, \"::1\"]\n" + ONE_TOOL);
    assertThat(c.server().trustedProxies().proxies().blocks()).containsExactly(
        CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("fd00::/8"), CidrBlock.parse("127.0.0.1/32"), CidrBlock.parse("::1/128"));
    assertThat(c.server().trustedProxies().proxies().contains("10.1.2.3")).isTrue();
    assertThat(c.server().trustedProxies().proxies().contains("fd12::1")).isTrue();
    assertThat(c.server().trustedProxies().proxies().contains("192.0.2.1")).isFalse();
    assertThat(parse("server:\n  trusted_proxies: []\n" + ONE_TOOL).server()).isEqualTo(ServerSettings.defaults());
  }

  @Test
  void allowlistsOfPlatformAndTool() {
    GatewayConfig c = parse(config("    allowed_ips: [192.0.2.0/24, \"2001:db8::/32\"]\n", "    allowed_ips: [192.0.2.16/28]\n"));
    assertThat(c.platforms().get("p").allowedIps().contains("192.0.2.200")).isTrue();
    assertThat(c.platforms().get("p").allowedIps().contains("2001:db8::5")).isTrue();
    assertThat(c.platforms().get("p").allowedIps().contains("198.51.100.1")).isFalse();
    assertThat(c.tools().get(0).allowedIps().contains("192.0.2.17")).isTrue();
    assertThat(c.tools().get(0).allowedIps().contains("192.0.2.200")).isFalse();
  }

  @Test
  void hostBitsAreAnErrorThatSuggestsTheNetwork() {
    assertError(config("    {}\n", "    allowed_ips: [10.1.2.3/8]\n"), 11, "tools[0].allowed_ips[0]",
        "'10.1.2.3/8' has host bits set; did you mean 10.0.0.0/8?");
    assertError(config("    allowed_ips: [\"2001:db8::1/32\"]\n", ""), 3, "platforms.p.allowed_ips[0]",
        "has host bits set; did you mean 2001:db8:0:0:0:0:0:0/32?");
    assertError("server:\n  trusted_proxies: [192.168.1.1/16]\n" + ONE_TOOL, 2, "server.trusted_proxies[0]",
        "did you mean 192.168.0.0/16?");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "example.com | is not an IPv4 or IPv6 address or CIDR block",
      "10.0.0.0/33 | has a prefix length outside 0-32",
      "10.0.0.0/x | has a prefix length outside 0-32",
      "300.1.1.1 | is not an IPv4 or IPv6 address or CIDR block",
  })
  void badBlocksAreErrors(String block, String message) {
    assertError(config("    {}\n", "    allowed_ips: [\"" + block + "\"]\n"), 11, "tools[0].allowed_ips[0]", message);
  }

  @Test
  void anEmptyAllowlistIsAnErrorAndDuplicatesToo() {
    assertError(config("    {}\n", "    allowed_ips: []\n"), 11, "tools[0].allowed_ips", "an empty list would refuse every address");
    assertError(config("    allowed_ips: []\n", ""), 3, "platforms.p.allowed_ips", "an empty list would refuse every address");
    assertError(config("    {}\n", "    allowed_ips: [10.0.0.0/8, 10.0.0.0/8]\n"), 11, "tools[0].allowed_ips[1]", "is listed twice");
    assertError(config("    {}\n", "    allowed_ips: 10.0.0.0/8\n"), 11, "tools[0].allowed_ips", "expected a list");
  }

  // ------------------------------------------------------------------ rate limits

  @Test
  void rateLimitsWithOneKindOrAList() {
    ToolConfig t = tool("""
            rate_limits:
              - { per: client, limit: 100, period: 1m }
              - { per: [client, user], limit: 10, period: 2s }
              - per: [ip, tool]
                limit: 5
                period: 1h
              - { per: tool, limit: 1, period: 1s }
        """);
    assertThat(t.rateLimits()).containsExactly(
        new ToolRateLimit(List.of(LimitKey.CLIENT), new RateLimit(100, Duration.ofMinutes(1))),
        new ToolRateLimit(List.of(LimitKey.CLIENT, LimitKey.USER), new RateLimit(10, Duration.ofSeconds(2))),
        new ToolRateLimit(List.of(LimitKey.IP, LimitKey.TOOL), new RateLimit(5, Duration.ofHours(1))),
        new ToolRateLimit(List.of(LimitKey.TOOL), new RateLimit(1, Duration.ofSeconds(1))));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{ per: account, limit: 1, period: 1s } | tools[0].rate_limits[0].per | unknown key kind 'account' (known: client, user, ip, tool)",
      "{ per: Client, limit: 1, period: 1s } | tools[0].rate_limits[0].per | did you mean 'client'?",
      "{ per: [client, bogus], limit: 1, period: 1s } | tools[0].rate_limits[0].per[1] | unknown key kind 'bogus'",
      "{ per: [client, client], limit: 1, period: 1s } | tools[0].rate_limits[0].per[1] | 'client' is listed twice",
      "{ per: [], limit: 1, period: 1s } | tools[0].rate_limits[0].per | must name at least one of client, user, ip, tool",
      "{ limit: 1, period: 1s } | tools[0].rate_limits[0].per | required: what the limit counts by",
      "{ per: client, limit: 0, period: 1s } | tools[0].rate_limits[0].limit | expected a whole number from 1 to 1000000000, got 0",
      "{ per: client, limit: -3, period: 1s } | tools[0].rate_limits[0].limit | expected a whole number from 1 to 1000000000",
      "{ per: client, limit: many, period: 1s } | tools[0].rate_limits[0].limit | expected a whole number",
      "{ per: client, period: 1s } | tools[0].rate_limits[0].limit | required: how many calls",
      "{ per: client, limit: 1 } | tools[0].rate_limits[0].period | required: the time the bucket refills over",
      "{ per: client, limit: 1, period: 500ms } | tools[0].rate_limits[0].period | must be a whole number of seconds, at least 1s",
      "{ per: client, limit: 1, period: 1500ms } | tools[0].rate_limits[0].period | must be a whole number of seconds",
      "{ per: client, limit: 1, period: 0s } | tools[0].rate_limits[0].period | ",
      "{ per: client, limit: 1, period: 48h } | tools[0].rate_limits[0].period | must be at most",
      "{ per: client, limit: 1, period: 1s, burst: 3 } | tools[0].rate_limits[0].burst | unknown key 'burst' (allowed: per, limit, period",
  })
  void rateLimitErrors(String item, String field, String message) {
    assertError(config("    {}\n", "    rate_limits:\n      - " + item + "\n"), 12, field, message == null ? "" : message);
  }

  @Test
  void rateLimitsMustBeAListOfMappings() {
    assertError(config("    {}\n", "    rate_limits: { per: client, limit: 1, period: 1s }\n"), 11, "tools[0].rate_limits", "expected a list");
    assertError(config("    {}\n", "    rate_limits:\n      - client\n"), 12, "tools[0].rate_limits[0]", "expected a mapping");
    assertError(config("    {}\n", "    rate_limits:\n      -\n"), 12, "tools[0].rate_limits[0]", "got nothing");
  }

  // ------------------------------------------------------------------ failed_auth_limit

  @Test
  void failedAuthLimit() {
    assertThat(parse("failed_auth_limit: { limit: 5, period: 30s }\n" + ONE_TOOL).failedAuthLimit())
        .isEqualTo(Optional.of(new RateLimit(5, Duration.ofSeconds(30))));
    assertError("failed_auth_limit: { limit: 0, period: 30s }\n" + ONE_TOOL, 1, "failed_auth_limit.limit", "from 1 to");
    assertError("failed_auth_limit: { limit: 5, period: 100ms }\n" + ONE_TOOL, 1, "failed_auth_limit.period", "whole number of seconds");
    assertError("failed_auth_limit: { limit: 5 }\n" + ONE_TOOL, 1, "failed_auth_limit.period", "required");
    assertError("failed_auth_limit: { limit: 5, period: 1m, per: ip }\n" + ONE_TOOL, 1, "failed_auth_limit.per", "unknown key 'per'");
    assertError("failed_auth_limit: 20\n" + ONE_TOOL, 1, "failed_auth_limit", "a mapping such as `{ limit: 20, period: 1m }`, got a number (20)");
  }

  @Test
  void failedAuthLimitCanBeSwitchedOff() {
    assertThat(parse("failed_auth_limit: off\n" + ONE_TOOL).failedAuthLimit()).isEqualTo(Optional.empty());
    assertThat(parse("failed_auth_limit: 'off'\n" + ONE_TOOL).failedAuthLimit()).isEqualTo(Optional.empty());
    assertThat(parse("failed_auth_limit:\n" + ONE_TOOL).failedAuthLimit()).as("written but empty: the default")
        .isEqualTo(Optional.of(GatewayConfig.DEFAULT_FAILED_AUTH_LIMIT));
    assertError("failed_auth_limit: false\n" + ONE_TOOL, 1, "failed_auth_limit", "write `off` to switch the limit off");
    assertError("failed_auth_limit: Off\n" + ONE_TOOL, 1, "failed_auth_limit", "write `off` to switch the limit off");
    assertError("failed_auth_limit: [20, 1m]\n" + ONE_TOOL, 1, "failed_auth_limit",
        "expected `off` or a mapping such as `{ limit: 20, period: 1m }`, got a list");
  }
}
