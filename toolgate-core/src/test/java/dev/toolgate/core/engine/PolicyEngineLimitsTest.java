package dev.toolgate.core.engine;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.TOOL;
import static dev.toolgate.core.credential.TestCalls.TOOL_PATH;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.noHeaders;
import static dev.toolgate.core.credential.TestCalls.require;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.credential.ApiKeyVerifier;
import dev.toolgate.core.credential.InMemoryCredentialDirectory;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.port.CallQuota;
import java.util.concurrent.CompletableFuture;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.PathPattern;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Allowlists, trusted proxies, rate limits and the failed-authentication limit in the engine. */
class PolicyEngineLimitsTest {
  static final String KEY = "tgk_client1-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  static final RateLimit TWO_A_MINUTE = new RateLimit(2, Duration.ofMinutes(1));

  /** Counts tokens without time: enough to see which keys are charged, all or nothing; can be switched off like a down backend. */
  static final class CountingLimiter implements CallQuota {
    final Map<String, Long> used = new HashMap<>();
    final List<String> consumed = new ArrayList<>();
    boolean unavailable;

    @Override
    public CompletableFuture<QuotaOutcome> settle(QuotaRequest request) {
      if (unavailable) {
        return CompletableFuture.completedFuture(new QuotaOutcome.Unavailable("test backend is down"));
      }
      List<LimitOutcome> outcomes = new ArrayList<>();
      for (int i = 0; i < request.charges().size(); i++) {
        Charge c = request.charges().get(i);
        consumed.add(c.key());
        long n = used.getOrDefault(c.key(), 0L);
        if (n >= c.limit().capacity()) {
          return CompletableFuture.completedFuture(new QuotaOutcome.Limited(i,
              new LimitOutcome(false, c.limit().capacity(), 0, c.limit().period(), Duration.ofSeconds(7))));
        }
        outcomes.add(new LimitOutcome(true, c.limit().capacity(), c.limit().capacity() - n - 1, c.limit().period(), Duration.ZERO));
      }
      for (Charge c : request.charges()) {
        used.merge(c.key(), 1L, Long::sum);
      }
      return CompletableFuture.completedFuture(new QuotaOutcome.Granted(outcomes));
    }

    @Override
    public boolean knownExhausted(Charge charge) {
      return used.getOrDefault(charge.key(), 0L) >= charge.limit().capacity();
    }
  }

  CountingLimiter limiter;
  InMemoryCredentialDirectory directory;
  PolicyEngine engine;

  @BeforeEach
  void setUp() {
    directory = new InMemoryCredentialDirectory()
        .client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of("*"));
    limiter = new CountingLimiter();
    engine = new PolicyEngine(List.of(new ApiKeyVerifier(directory, CLOCK)), directory, (id, at) -> { }, CLOCK,
        limiter, new ClientAddress(CidrSet.parse(List.of("10.0.0.1"))), TWO_A_MINUTE);
  }

  static Route route(Policy policy, CidrSet platformIps, CidrSet toolIps, List<ToolRateLimit> limits) {
    PlatformConfig platform = PlatformConfig.withDefaults("sendbird");
    platform = new PlatformConfig(platform.name(), platform.signatureHeader(), platform.signatureEncoding(), platform.apiKeyHeader(),
        platform.replayTolerance(), platform.sendbirdReplayWindow(), platform.stripeSignatureHeader(), platformIps);
    ToolConfig tool = new ToolConfig(TOOL, "POST", TOOL_PATH, URI.create("http://127.0.0.1:9000"), "sendbird", policy, 1, toolIps, limits);
    return new Route(tool, PathPattern.parse(TOOL_PATH), platform);
  }

  static ToolCall call(String peer, Headers headers) {
    return new ToolCall("req-1", "POST", RequestPath.parse(TOOL_PATH).orElseThrow(), null, headers, new byte[0], peer);
  }

  static final Policy ANON = new Policy(List.of(), true);
  static final Policy API_KEY = require(CredentialKind.API_KEY);

  @Test
  void allowlistsOfPlatformAndToolMustBothPass() {
    Route r = route(ANON, CidrSet.parse(List.of("192.0.2.0/24")), CidrSet.parse(List.of("192.0.2.16/28", "2001:db8::/32")), List.of());
    assertThat(engine.decide(call("192.0.2.17", noHeaders()), r).allowed()).isTrue();
    Decision tool = engine.decide(call("192.0.2.200", noHeaders()), r);
    assertThat(tool.code()).isEqualTo(DenialCode.IP_NOT_ALLOWED);
    assertThat(tool.detail()).contains("allowed_ips of tool " + TOOL);
    Decision platform = engine.decide(call("2001:db8::1", noHeaders()), r);
    assertThat(platform.code()).isEqualTo(DenialCode.IP_NOT_ALLOWED);
    assertThat(platform.detail()).contains("allowed_ips of platform sendbird");
    assertThat(platform.status()).isEqualTo(403);
    assertThat(limiter.consumed).isEmpty();
  }

  @Test
  void forwardedForCountsOnlyFromATrustedProxy() {
    Route r = route(ANON, null, CidrSet.parse(List.of("198.51.100.0/24")), List.of());
    Headers xff = headers("x-forwarded-for", "198.51.100.5");
    assertThat(engine.decide(call("10.0.0.1", xff), r).allowed()).as("from the trusted proxy").isTrue();
    assertThat(engine.decide(call("10.0.0.2", xff), r).code()).as("from anyone else").isEqualTo(DenialCode.IP_NOT_ALLOWED);
    assertThat(engine.clientIp(call("10.0.0.2", xff))).isEqualTo("10.0.0.2");
  }

  @Test
  void overItsFailureBudgetAnAddressGets429ForFailuresButItsValidKeysStillPass() {
    Route r = route(API_KEY, null, null, List.of());
    for (int i = 0; i < 2; i++) {
      assertThat(engine.decide(call("192.0.2.1", headers("api-key", "tgk_bad")), r).status()).isEqualTo(401);
    }
    Decision throttled = engine.decide(call("192.0.2.1", headers("api-key", "tgk_bad")), r);
    assertThat(throttled.code()).isEqualTo(DenialCode.RATE_LIMITED);
    assertThat(throttled.limit().allowed()).isFalse();
    assertThat(throttled.limit().retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(throttled.challenges()).as("no challenge: retrying later is the answer").isEmpty();
    assertThat(throttled.detail()).contains("too many failed authentications from 192.0.2.1").doesNotContain("api_key");
    assertThat(throttled.trace()).extracting(c -> c.name() + "=" + c.passed())
        .containsExactly("route=true", "api_key=false", "failed_auth_limit=false");

    Decision good = engine.decide(call("192.0.2.1", headers("api-key", KEY)), r);
    assertThat(good.allowed()).as("a key that verifies is never refused for others' failures").isTrue();
    assertThat(good.clientId()).isEqualTo("cli_1");
    assertThat(engine.decide(call("192.0.2.1", headers("api-key", "tgk_bad")), r).code())
        .as("the good call gave the guesser nothing back").isEqualTo(DenialCode.RATE_LIMITED);
    assertThat(limiter.consumed).as("only failures are counted").containsOnly("failed_auth:192.0.2.1").hasSize(4);
  }

  @Test
  void withoutAFailedAuthLimitFailuresStay401() {
    PolicyEngine off = new PolicyEngine(List.of(new ApiKeyVerifier(directory, CLOCK)), directory, (id, at) -> { }, CLOCK,
        limiter, new ClientAddress(new CidrSet(List.of())), null);
    Route r = route(API_KEY, null, null, List.of());
    for (int i = 0; i < 30; i++) {
      assertThat(off.decide(call("192.0.2.3", headers("api-key", "tgk_bad")), r).status()).isEqualTo(401);
    }
    assertThat(off.decide(call("192.0.2.3", headers("api-key", KEY)), r).allowed()).isTrue();
    assertThat(limiter.consumed).isEmpty();
  }

  @Test
  void rateLimitsConsumeAfterAllowAndCarryTheTightestOutcome() {
    Route r = route(API_KEY, null, null, List.of(
        new ToolRateLimit(List.of(LimitKey.CLIENT, LimitKey.USER), new RateLimit(5, Duration.ofMinutes(1))),
        new ToolRateLimit(List.of(LimitKey.IP, LimitKey.TOOL), TWO_A_MINUTE)));
    Decision first = engine.decide(call("192.0.2.9", headers("api-key", KEY)), r);
    assertThat(first.allowed()).isTrue();
    assertThat(limiter.consumed).containsExactly("rl:" + TOOL + ":client=cli_1|user=-", "rl:" + TOOL + ":ip=192.0.2.9|tool");
    assertThat(first.limit().limit()).as("the tighter bucket").isEqualTo(2);
    assertThat(first.limit().remaining()).isEqualTo(1);
    engine.decide(call("192.0.2.9", headers("api-key", KEY)), r);
    Decision third = engine.decide(call("192.0.2.9", headers("api-key", KEY)), r);
    assertThat(third.code()).isEqualTo(DenialCode.RATE_LIMITED);
    assertThat(third.limit().allowed()).isFalse();
    assertThat(third.clientId()).isEqualTo("cli_1");
    assertThat(third.trace()).last().satisfies(c -> {
      assertThat(c.name()).isEqualTo("rate_limit");
      assertThat(c.passed()).isFalse();
    });
  }

  @Test
  void refusedCallsConsumeNoRateLimitAndAnonymousCallsCountUnderDash() {
    Route r = route(ANON, null, null, List.of(new ToolRateLimit(List.of(LimitKey.CLIENT), TWO_A_MINUTE)));
    engine.decide(call("192.0.2.9", noHeaders()), r);
    assertThat(limiter.consumed).containsExactly("rl:" + TOOL + ":client=-");
    Route keyed = route(API_KEY, null, null, List.of(new ToolRateLimit(List.of(LimitKey.CLIENT), TWO_A_MINUTE)));
    limiter.consumed.clear();
    engine.decide(call("192.0.2.9", headers("api-key", "tgk_bad")), keyed);
    assertThat(limiter.consumed).containsExactly("failed_auth:192.0.2.9");
  }

  @Test
  void theOldConstructorHasNoLimits() {
    InMemoryCredentialDirectory dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of("*"));
    PolicyEngine plain = new PolicyEngine(List.of(new ApiKeyVerifier(dir, CLOCK)), dir, (id, at) -> { }, CLOCK);
    Route r = route(API_KEY, null, null, List.of(new ToolRateLimit(List.of(LimitKey.TOOL), new RateLimit(1, Duration.ofMinutes(1)))));
    for (int i = 0; i < 30; i++) {
      plain.decide(call("192.0.2.1", headers("api-key", "tgk_bad")), r);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(plain.decide(call("192.0.2.1", headers("api-key", KEY)), r).allowed()).isTrue();
    }
  }

  @Test
  void aRefusedChargeTakesNothingFromTheOtherBuckets() {
    Route r = route(API_KEY, null, null, List.of(
        new ToolRateLimit(List.of(LimitKey.CLIENT), new RateLimit(5, Duration.ofMinutes(1))),
        new ToolRateLimit(List.of(LimitKey.TOOL), new RateLimit(1, Duration.ofMinutes(1)))));
    assertThat(engine.decide(call("192.0.2.9", headers("api-key", KEY)), r).allowed()).isTrue();
    assertThat(engine.decide(call("192.0.2.9", headers("api-key", KEY)), r).code()).isEqualTo(DenialCode.RATE_LIMITED);
    assertThat(limiter.used).as("the refused call took nothing from the client bucket").containsEntry("rl:" + TOOL + ":client=cli_1", 1L);
  }

  @Test
  void unreachableLimitsLetAPlainToolsCallsPassMarkedUncounted() {
    Route r = route(API_KEY, null, null, List.of(new ToolRateLimit(List.of(LimitKey.CLIENT), TWO_A_MINUTE)));
    limiter.unavailable = true;
    Decision d = engine.decide(call("192.0.2.9", headers("api-key", KEY)), r);
    assertThat(d.allowed()).isTrue();
    assertThat(d.limit()).as("no RateLimit-* headers: nothing was counted").isNull();
    assertThat(d.trace()).anySatisfy(c -> {
      assertThat(c.name()).isEqualTo("shared_state");
      assertThat(c.detail()).startsWith("UNCOUNTED").contains("test backend is down");
    });
  }

  @Test
  void unreachableLimitsRefuseWith503WhenConfiguredClosed() {
    PolicyEngine closed = new PolicyEngine(List.of(new ApiKeyVerifier(directory, CLOCK)), directory, (id, at) -> { }, CLOCK,
        limiter, new ClientAddress(new CidrSet(List.of())), TWO_A_MINUTE,
        new UserBinder(dev.toolgate.core.port.UserDirectory.NONE, dev.toolgate.core.config.IdentityKind.OPAQUE_ID, null, false),
        new QuotaFallback(false, false));
    Route r = route(API_KEY, null, null, List.of(new ToolRateLimit(List.of(LimitKey.CLIENT), TWO_A_MINUTE)));
    limiter.unavailable = true;
    Decision d = closed.decide(call("192.0.2.9", headers("api-key", KEY)), r);
    assertThat(d.code()).isEqualTo(DenialCode.SHARED_STATE_UNAVAILABLE);
    assertThat(d.status()).isEqualTo(503);
  }

  @Test
  void anUncountableFailureIs503NotA401ByDefault() {
    Route r = route(API_KEY, null, null, List.of());
    limiter.unavailable = true;
    Decision failed = engine.decide(call("192.0.2.1", headers("api-key", "tgk_bad")), r);
    assertThat(failed.code()).isEqualTo(DenialCode.SHARED_STATE_UNAVAILABLE);
    assertThat(failed.trace()).extracting(c -> c.name() + "=" + c.passed()).containsExactly("route=true", "api_key=false", "failed_auth_limit=false");
    assertThat(engine.decide(call("192.0.2.1", headers("api-key", KEY)), r).allowed()).as("a valid key is never refused for it").isTrue();

    PolicyEngine open = new PolicyEngine(List.of(new ApiKeyVerifier(directory, CLOCK)), directory, (id, at) -> { }, CLOCK,
        limiter, new ClientAddress(new CidrSet(List.of())), TWO_A_MINUTE,
        new UserBinder(dev.toolgate.core.port.UserDirectory.NONE, dev.toolgate.core.config.IdentityKind.OPAQUE_ID, null, false),
        new QuotaFallback(true, true));
    assertThat(open.decide(call("192.0.2.1", headers("api-key", "tgk_bad")), r).code()).as("configured open").isEqualTo(DenialCode.API_KEY_INVALID);
  }
}
