package dev.toolgate.core.engine;

import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.Ownership;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.config.UserBinding;
import dev.toolgate.core.credential.ApiKeyVerifier;
import dev.toolgate.core.credential.CredentialVerifier;
import dev.toolgate.core.credential.InMemoryCredentialDirectory;
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.credential.TestReplayCache;
import dev.toolgate.core.credential.Verification;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.UserDirectory;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.PathPattern;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** User binding and ownership in the policy engine, with a user directory in a map. */
class UserBinderTest {
  static final String KEY = "tgk_binder-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  static final String MASTER = "binder-master-token";
  static final String PATH = "/users/{user_id}/orders";

  /** The directory: (kind, value) → user; users listed in {@link #disabled} are disabled; {@link #down} fails every lookup. */
  final Map<String, String> users = new HashMap<>();
  final Set<String> disabled = new java.util.HashSet<>();
  boolean down;
  final UserDirectory directory = new UserDirectory() {
    @Override
    public Lookup user(IdentityKind kind, String platform, String value) {
      if (down) {
        return Lookup.UNAVAILABLE;
      }
      String user = users.get(kind.yamlName() + ":" + (kind == IdentityKind.PLATFORM_USER_ID ? platform + ":" : "") + value);
      return user == null ? Lookup.UNKNOWN : disabled.contains(user) ? Lookup.disabled(user) : Lookup.found(user);
    }

    @Override
    public Lookup opaqueId(String platform, String userId) {
      return down ? Lookup.UNAVAILABLE : Lookup.found("oc1_" + platform + "_" + userId);
    }
  };

  /** Stands for a verified user token: its subject is the x-test-subject header. */
  static final CredentialVerifier USER_TOKEN = new CredentialVerifier() {
    @Override
    public CredentialKind kind() {
      return CredentialKind.USER_TOKEN;
    }

    @Override
    public Verification verify(ToolCall call, Route route) {
      List<String> subject = call.headers().all("x-test-subject");
      return subject.isEmpty() ? Verification.fail(DenialCode.USER_TOKEN_MISSING, "none") : Verification.passUser(subject.get(0), "ut:1", "test token");
    }

    @Override
    public String challenge(Route route, Verification failure) {
      return "Test";
    }
  };

  InMemoryCredentialDirectory dir;
  TestReplayCache replays;
  PolicyEngine engine;

  @BeforeEach
  void setUp() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of("*"))
        .signingSecret("sec_1", "cli_1", MASTER);
    replays = new TestReplayCache();
    engine = new PolicyEngine(List.of(new ApiKeyVerifier(dir, replays.clock), new SendbirdSignatureVerifier(dir, replays.clock), USER_TOKEN),
        dir, (id, at) -> { }, replays.clock, replays, new ClientAddress(new CidrSet(List.of())), (RateLimit) null,
        new UserBinder(directory, IdentityKind.OPAQUE_ID, "asapp"));
    users.put("platform_user_id:sendbird:sb-ada", "usr_ada");
    users.put("platform_user_id:sendbird:sb-bob", "usr_bob");
    users.put("opaque_id:oc1_ada", "usr_ada");
    users.put("opaque_id:oc1_bob", "usr_bob");
    users.put("user_id:usr_ada", "usr_ada");
  }

  static Route route(Policy policy, UserBinding user, Ownership owner) {
    PlatformConfig platform = PlatformConfig.withDefaults("sendbird").withReplay(PlatformConfig.DEFAULT_REPLAY_TOLERANCE, Duration.ofMinutes(5));
    ToolConfig tool = new ToolConfig("orders", "POST", PATH, URI.create("http://127.0.0.1:9000"), "sendbird", policy, 1, null, List.of(), user, owner);
    return new Route(tool, PathPattern.parse(PATH), platform);
  }

  static UserBinding binding(IdentityKind kind, IdentityLocation where) {
    return new UserBinding(Map.of(kind, where), UserBinding.Forward.OPAQUE_ID);
  }

  /** A call; one with a body declares it JSON, as a platform does. */
  static ToolCall call(String path, String query, Headers headers, String body) {
    RequestPath p = RequestPath.parse(path).orElseThrow();
    Map<String, String> params = PathPattern.parse(PATH).match(p.segments());
    Headers withType = body == null ? headers
        : name -> name.equalsIgnoreCase("content-type") ? List.of("application/json") : headers.all(name);
    return new ToolCall("req-1", "POST", p, query, withType, body == null ? null : utf8(body), "127.0.0.1", params);
  }

  @Test
  void aBodyIdentityNeedsAJsonContentTypeAndAnUnambiguousName() {
    Route route = route(API_KEY, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id")), null);
    RequestPath p = RequestPath.parse("/users/x/orders").orElseThrow();
    ToolCall form = new ToolCall("req-1", "POST", p, null,
        headers("api-key", KEY, "content-type", "application/x-www-form-urlencoded"), utf8("{\"user_id\":\"sb-ada\",\"x\":\"&user_id=sb-bob\"}"),
        "127.0.0.1", Map.of());
    assertCode(engine.decide(form, route), DenialCode.BODY_NOT_JSON, "send Content-Type application/json");
    assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY), "{\"user_id\":\"sb-ada\",\"USER_ID\":\"sb-bob\"}"), route),
        DenialCode.BAD_REQUEST, "differs only in case");
    // Java's case-insensitive comparison folds the Kelvin sign and the long s as Go's decoder does.
    assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY), "{\"\u017fb\":1,\"sb\":2,\"user_id\":\"sb-ada\"}"),
        route(API_KEY, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/sb")), null)), DenialCode.BAD_REQUEST, "differs only in case");
  }

  @Test
  void aQueryIdentityUnderALookalikeNameIsAmbiguous() {
    Route route = route(API_KEY, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.query("user_id")), null);
    for (String query : List.of("user_id=sb-ada&USER_ID=sb-bob", "user_id=sb-ada&user.id=sb-bob", "user_id=sb-ada&user%20id=sb-bob")) {
      assertCode(engine.decide(call("/users/x/orders", query, headers("api-key", KEY), null), route), DenialCode.BAD_REQUEST, "sent more than once");
    }
    assertThat(engine.decide(call("/users/x/orders", "user_id=sb-ada&other=1", headers("api-key", KEY), null), route).allowed()).isTrue();
  }

  static final Policy API_KEY = new Policy(List.of(CredentialKind.API_KEY), false);
  static final Policy API_KEY_AND_USER = new Policy(List.of(CredentialKind.API_KEY, CredentialKind.USER_TOKEN), false);

  @Test
  void everyLocationIsReadAndTheOpaqueIdOfTheToolsPlatformIsForwarded() {
    for (IdentityLocation where : List.of(IdentityLocation.header("x-user"), IdentityLocation.query("uid"), IdentityLocation.path("user_id"),
        IdentityLocation.body("/user/id"))) {
      Route route = route(API_KEY, binding(IdentityKind.PLATFORM_USER_ID, where), null);
      ToolCall call = call("/users/sb-ada/orders", "uid=sb-ada", headers("api-key", KEY, "x-user", "sb-ada"), "{\"user\":{\"id\":\"sb-ada\"}}");
      Decision d = engine.decide(call, route);
      assertThat(d.allowed()).as(where.describe() + ": " + d.detail()).isTrue();
      assertThat(d.subject()).isEqualTo("oc1_sendbird_usr_ada");
    }
  }

  @Test
  void aPercentEncodedPathParameterIsDecodedAndABrokenOneRefused() {
    Route route = route(API_KEY, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.path("user_id")), null);
    assertThat(engine.decide(call("/users/sb%2Dada/orders", null, headers("api-key", KEY), null), route).allowed()).isTrue();
    // The gateway's RequestPath.parse refuses such a path before routing; an embedder that builds
    // the path itself still gets bad_path from the binding.
    assertThat(RequestPath.parse("/users/sb%C3/orders")).isEmpty();
    RequestPath unparsed = new RequestPath("/users/sb%C3/orders", List.of("users", "sb%C3", "orders"), java.util.Set.of());
    ToolCall call = new ToolCall("req-1", "POST", unparsed, null, headers("api-key", KEY), null, "127.0.0.1", Map.of("user_id", "sb%C3"));
    assertThat(engine.decide(call, route).code()).isEqualTo(DenialCode.BAD_PATH);
  }

  @Test
  void eachPairOfKindsMustAgree() {
    UserBinding two = new UserBinding(Map.of(IdentityKind.PLATFORM_USER_ID, IdentityLocation.header("x-user"),
        IdentityKind.OPAQUE_ID, IdentityLocation.query("oc")), UserBinding.Forward.OPAQUE_ID);
    Route withToken = route(API_KEY_AND_USER, two, null);
    // platform id ↔ opaque id
    assertCode(engine.decide(call("/users/x/orders", "oc=oc1_bob", headers("api-key", KEY, "x-user", "sb-ada", "x-test-subject", "oc1_ada"), null), withToken),
        DenialCode.USER_MISMATCH, "the user token's subject and opaque_id in query parameter oc do not name the same user");
    // platform id ↔ token subject
    assertCode(engine.decide(call("/users/x/orders", "oc=oc1_ada", headers("api-key", KEY, "x-user", "sb-ada", "x-test-subject", "oc1_bob"), null), withToken),
        DenialCode.USER_MISMATCH, "the user token's subject and platform_user_id in header x-user do not name the same user");
    // opaque id ↔ token subject
    assertCode(engine.decide(call("/users/x/orders", "oc=oc1_bob", headers("api-key", KEY, "x-user", "sb-bob", "x-test-subject", "oc1_ada"), null), withToken),
        DenialCode.USER_MISMATCH, "do not name the same user");
    Decision ok = engine.decide(call("/users/x/orders", "oc=oc1_ada", headers("api-key", KEY, "x-user", "sb-ada", "x-test-subject", "oc1_ada"), null), withToken);
    assertThat(ok.allowed()).as(ok.detail()).isTrue();
  }

  @Test
  void anIdNamedNextToAKnownUserIsAMismatchWhetherItExistsOrNot() {
    // With Ada's token, naming an unmapped or a disabled user must not tell which ids exist.
    Route route = route(API_KEY_AND_USER, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.header("x-user")), null);
    disabled.add("usr_bob");
    for (String other : List.of("sb-zed", "sb-bob")) {
      assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", other, "x-test-subject", "oc1_ada"), null), route),
          DenialCode.USER_MISMATCH, "do not name the same user");
    }
  }

  @Test
  void aMismatchDetailNamesNoIdentityValue() {
    Route route = route(API_KEY_AND_USER, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.header("x-user")), null);
    Decision d = engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-ada", "x-test-subject", "oc1_bob"), null), route);
    assertThat(d.code()).isEqualTo(DenialCode.USER_MISMATCH);
    assertThat(d.detail()).doesNotContain("sb-ada").doesNotContain("oc1_bob").doesNotContain("usr_bob").doesNotContain("usr_ada");
  }

  @Test
  void unknownDisabledMissingAndUnavailable() {
    Route route = route(API_KEY, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.header("x-user")), null);
    assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-zed"), null), route), DenialCode.USER_UNKNOWN,
        "names no known user of platform sendbird");
    assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY), null), route), DenialCode.USER_MISSING, "leaves empty");
    disabled.add("usr_ada");
    assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-ada"), null), route), DenialCode.USER_DISABLED, "disabled");
    disabled.clear();
    down = true;
    Decision d = engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-ada"), null), route);
    assertCode(d, DenialCode.USER_DIRECTORY_UNAVAILABLE, "could not be looked up");
    assertThat(d.status()).isEqualTo(503);
  }

  @Test
  void ownershipAcrossKinds() {
    Route route = route(API_KEY, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.header("x-user")),
        new Ownership(IdentityLocation.body("/customer_id"), IdentityKind.OPAQUE_ID));
    assertThat(engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-ada"), "{\"customer_id\":\"oc1_ada\"}"), route).allowed()).isTrue();
    assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-ada"), "{\"customer_id\":\"oc1_bob\"}"), route),
        DenialCode.OWNER_MISMATCH, "the owner (opaque_id in body field /customer_id) is not the bound user");
    assertCode(engine.decide(call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-ada"), "not json"), route), DenialCode.BODY_NOT_JSON,
        "not a JSON object");
  }

  @Test
  void forwardModes() {
    UserBinding byId = new UserBinding(Map.of(IdentityKind.PLATFORM_USER_ID, IdentityLocation.header("x-user")), UserBinding.Forward.USER_ID);
    UserBinding byPlatformId = new UserBinding(Map.of(IdentityKind.PLATFORM_USER_ID, IdentityLocation.header("x-user")), UserBinding.Forward.PLATFORM_USER_ID);
    ToolCall call = call("/users/x/orders", null, headers("api-key", KEY, "x-user", "sb-ada"), null);
    assertThat(engine.decide(call, route(API_KEY, byId, null)).subject()).isEqualTo("usr_ada");
    assertThat(engine.decide(call, route(API_KEY, byPlatformId, null)).subject()).isEqualTo("sb-ada");
  }

  @Test
  void aSignedBodyRefusedByTheBindingIsNotUsedUpByIt() {
    Policy signed = new Policy(List.of(CredentialKind.SENDBIRD_SIGNATURE), false);
    Route route = route(signed, binding(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id")), null);
    String body = "{\"user_id\":\"sb-new\"}";
    String sig = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(MASTER), utf8(body)));
    ToolCall call = call("/users/x/orders", null, headers("x-sendbird-signature", sig), body);

    assertCode(engine.decide(call, route), DenialCode.USER_UNKNOWN, "names no known user");
    users.put("platform_user_id:sendbird:sb-new", "usr_new"); // the operator maps the user; the platform retries
    Decision retried = engine.decide(call, route);
    assertThat(retried.allowed()).as(retried.detail()).isTrue();
    assertThat(retried.trace()).anySatisfy(c -> assertThat(c.name()).isEqualTo("once"));
    assertCode(engine.decide(call, route), DenialCode.REPLAYED, "within sendbird_replay_window");
  }

  @Test
  void aReplayIsRefusedBeforeItCostsRateLimitBudget() {
    PolicyEngine limited = new PolicyEngine(List.of(new SendbirdSignatureVerifier(dir, replays.clock)), dir, (id, at) -> { },
        replays.clock, replays, new ClientAddress(new CidrSet(List.of())), (RateLimit) null, new UserBinder(directory, IdentityKind.OPAQUE_ID, "asapp"));
    PlatformConfig platform = PlatformConfig.withDefaults("sendbird").withReplay(PlatformConfig.DEFAULT_REPLAY_TOLERANCE, Duration.ofMinutes(5));
    ToolConfig tool = new ToolConfig("orders", "POST", PATH, URI.create("http://127.0.0.1:9000"), "sendbird",
        new Policy(List.of(CredentialKind.SENDBIRD_SIGNATURE), false), 1, null,
        List.of(new dev.toolgate.core.limit.ToolRateLimit(List.of(dev.toolgate.core.limit.LimitKey.TOOL), new RateLimit(100, Duration.ofMinutes(1)))),
        null, null);
    Route route = new Route(tool, PathPattern.parse(PATH), platform);
    String body = "{\"order\":1}";
    String sig = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(MASTER), utf8(body)));
    ToolCall call = call("/users/x/orders", null, headers("x-sendbird-signature", sig), body);
    assertThat(limited.decide(call, route).allowed()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertCode(limited.decide(call, route), DenialCode.REPLAYED, "within sendbird_replay_window");
    }
    assertThat(replays.charged).as("only the first call took from the bucket").hasSize(1);
  }

  private static void assertCode(Decision d, DenialCode code, String detailPart) {
    assertThat(d.allowed()).isFalse();
    assertThat(d.code()).as(d.detail()).isEqualTo(code);
    assertThat(d.detail()).contains(detailPart).as("the caller sees no user id").doesNotContain("usr_");
  }
}
