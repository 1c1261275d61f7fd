package dev.toolgate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.PathPattern;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared test fixtures: a fixed clock, routes, calls and the "no secret in any detail" check. */
public final class TestCalls {
  public static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  public static final String TOOL = "lookup_order";
  public static final String TOOL_PATH = "/tools/lookup_order";

  private TestCalls() {}

  public static Policy require(CredentialKind... kinds) {
    return new Policy(List.of(kinds), false);
  }

  /** A POST route for {@link #TOOL} on {@code platform} (may be null) using {@code platformConfig}'s headers. */
  public static Route route(String platform, PlatformConfig platformConfig, Policy policy) {
    return route(TOOL, platform, platformConfig, policy);
  }

  public static Route route(String tool, String platform, PlatformConfig platformConfig, Policy policy) {
    ToolConfig config = new ToolConfig(tool, "POST", TOOL_PATH, URI.create("http://127.0.0.1:9000"), platform, policy, 1);
    return new Route(config, PathPattern.parse(TOOL_PATH), platformConfig);
  }

  public static ToolCall call(Headers headers, byte[] body) {
    return new ToolCall("req-1", "POST", RequestPath.parse(TOOL_PATH).orElseThrow(), null, headers, body, "127.0.0.1");
  }

  public static ToolCall call(Headers headers) {
    return call(headers, new byte[0]);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Headers from name/value pairs; a name given twice (same spelling) gets two values. */
  public static Headers headers(String... nameValue) {
    if (nameValue.length % 2 != 0) {
      throw new IllegalArgumentException("name/value pairs expected");
    }
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      map.computeIfAbsent(nameValue[i], k -> new ArrayList<>()).add(nameValue[i + 1]);
    }
    return Headers.of(map);
  }

  public static Headers noHeaders() {
    return Headers.of(Map.of());
  }

  /** The detail of a verification never contains any of the given secret strings. */
  public static void assertNoLeak(Verification v, String... secrets) {
    for (String secret : secrets) {
      if (secret == null || secret.isBlank()) {
        continue;
      }
      assertThat(v.detail()).as("verification detail").doesNotContain(secret);
      assertThat(String.valueOf(v.credentialId())).doesNotContain(secret);
      assertThat(String.valueOf(v.clientId())).doesNotContain(secret);
    }
  }

  /** No part of a decision (detail, trace, challenges, ids) contains any of the given secret strings. */
  public static void assertNoLeak(Decision d, String... secrets) {
    for (String secret : secrets) {
      if (secret == null || secret.isBlank()) {
        continue;
      }
      assertThat(String.valueOf(d.detail())).as("decision detail").doesNotContain(secret);
      for (Check c : d.trace()) {
        assertThat(c.detail()).as("trace detail of " + c.name()).doesNotContain(secret);
      }
      for (String ch : d.challenges()) {
        assertThat(ch).as("challenge").doesNotContain(secret);
      }
      for (String id : d.credentialIds()) {
        assertThat(id).doesNotContain(secret);
      }
    }
  }
}
