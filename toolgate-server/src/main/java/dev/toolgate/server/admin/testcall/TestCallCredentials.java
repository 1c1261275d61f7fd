package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.route.Route;
import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.store.ClientKind;
import dev.toolgate.server.store.ClientOverview;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.StoreConflictException;
import dev.toolgate.server.users.CustomerTokens;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Puts a test call's credential on it, server-side, as the client or user it is for would: the
 * platform signature with the client's signing secret, a fresh access token of the client, a fresh
 * customer token of a user, or the static token or API key the caller gives (Toolgate keeps only
 * their digests). Whatever state the client, secret or user is in (revoked, disabled), the
 * credential is made all the same, so the gateway's own checks decide and the trace says why.
 * Blocks on the store: call it on a worker thread.
 */
public final class TestCallCredentials {
  /** Test tokens live no longer than this: they are made for one call. */
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);

  private final CredentialStore credentials;
  private final OAuthClientStore clients;
  private final UserStore users;
  private final CustomerTokens customerTokens;
  private final AccessTokenService accessTokens;

  public TestCallCredentials(CredentialStore credentials, OAuthClientStore clients, UserStore users, CustomerTokens customerTokens,
      AccessTokenService accessTokens) {
    this.credentials = credentials;
    this.clients = clients;
    this.users = users;
    this.customerTokens = customerTokens;
    this.accessTokens = accessTokens;
  }

  /**
   * {@code call} with the credential {@code request} asks for.
   *
   * @throws IllegalArgumentException when the tool does not take that kind, or a field it needs is missing or out of place
   * @throws NotFoundException for an unknown client or user
   * @throws StoreConflictException when the client has nothing to sign with
   */
  public OutgoingCall add(TestCallRequest request, OutgoingCall call) {
    Route route = call.route();
    TestCredential kind = request.kind();
    List<TestCredential> taken = TestCredential.takenBy(route.tool());
    if (!taken.contains(kind)) {
      throw new IllegalArgumentException("credential.kind: tool " + route.name() + " does not take " + kind.value() + "; it takes "
          + String.join(", ", taken.stream().map(TestCredential::value).toList()));
    }
    boolean given = kind == TestCredential.STATIC_TOKEN || kind == TestCredential.API_KEY;
    if (given != (request.value() != null)) {
      throw new IllegalArgumentException(given ? "credential.value is required: Toolgate keeps only a digest of a " + kind.value()
          + ", so the test call needs its value" : "credential.value is only for static_token and api_key");
    }
    if (given && !request.value().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("credential.value must be printable ASCII without spaces");
    }
    boolean needsClient = kind == TestCredential.SIGNATURE || kind == TestCredential.CLIENT_TOKEN;
    if (needsClient && request.clientId() == null) {
      throw new IllegalArgumentException("client_id is required: the " + kind.value() + " is made with that client's credentials");
    }
    ClientOverview client = request.clientId() == null ? null : clients.findClient(request.clientId())
        .orElseThrow(() -> new NotFoundException("no client with id '" + request.clientId() + "'"));
    UserTokenPolicy userToken = customerTokenPolicy(route.tool());
    if (kind == TestCredential.CUSTOMER_TOKEN && request.userId() == null) {
      throw new IllegalArgumentException("credential.user_id is required: the customer token is minted for that user");
    }
    if (request.userId() != null && kind == TestCredential.NONE) {
      throw new IllegalArgumentException("credential.user_id: credential kind none sends no credential");
    }
    if (request.userId() != null && userToken == null) {
      throw new IllegalArgumentException("credential.user_id: tool " + route.name() + " takes no customer token");
    }
    HeaderRules.notSetByCredential(call.headers(), setByCredential(route, kind, request.userId() != null ? userToken : null), kind);

    OutgoingCall out = call;
    if (request.userId() != null) {
      out = withCustomerToken(out, userToken, request.userId()); // first: a signature covers the body it may go into
    }
    PlatformConfig platform = route.platform();
    return switch (kind) {
      case STATIC_TOKEN -> out.withCredentialHeader("authorization", "Bearer " + request.value(), request.value());
      case API_KEY -> out.withCredentialHeader(platform.apiKeyHeader(), request.value(), request.value());
      case CLIENT_TOKEN -> withClientToken(out, client);
      case SIGNATURE -> withSignature(out, client);
      case CUSTOMER_TOKEN, NONE -> out;
    };
  }

  /** The names (lower case) of the headers the credential sets; the caller may not send them too. */
  private static Set<String> setByCredential(Route route, TestCredential kind, UserTokenPolicy customerToken) {
    Set<String> names = new HashSet<>();
    switch (kind) {
      case SIGNATURE -> names.add(route.platform().signatureHeader());
      case STATIC_TOKEN, CLIENT_TOKEN -> names.add("authorization");
      case API_KEY -> names.add(route.platform().apiKeyHeader());
      case CUSTOMER_TOKEN, NONE -> { }
    }
    if (customerToken != null && customerToken.header() != null) {
      names.add(customerToken.header());
    }
    Set<String> lower = new HashSet<>();
    names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
    return lower;
  }

  /** Where the tool takes a Toolgate customer token: its policy's user_token, or the first MCP rule's that has one. */
  private static UserTokenPolicy customerTokenPolicy(ToolConfig tool) {
    for (Policy policy : TestCredential.policies(tool)) {
      if (policy.requires(CredentialKind.USER_TOKEN) && policy.userToken().issuedByToolgate()) {
        return policy.userToken();
      }
    }
    return null;
  }

  private OutgoingCall withCustomerToken(OutgoingCall call, UserTokenPolicy policy, String userId) {
    User user = users.findUser(userId).orElseThrow(() -> new NotFoundException("no user with id '" + userId + "'"));
    String tool = call.route().name();
    // A tool that takes tokens minted for it alone gets one; the gateway decides whether a disabled user's token passes.
    String jwt = customerTokens.issue(user, policy.audienceIsTool() && customerTokens.mintsFor(tool) ? tool : null).getString("JWT");
    if (policy.header() != null) {
      return call.withCredentialHeader(policy.header(), policy.scheme().isEmpty() ? jwt : policy.scheme() + " " + jwt, jwt);
    }
    if (policy.queryParam() != null) {
      String pair = policy.queryParam() + "=" + jwt; // a JWT is base64url and dots: nothing to escape
      return call.withQuery(call.query() == null ? pair : call.query() + "&" + pair, jwt);
    }
    return call.withBody(BodyField.put(call.body(), policy.bodyPointer(), jwt, "the customer token"), jwt);
  }

  private OutgoingCall withClientToken(OutgoingCall call, ClientOverview client) {
    ToolConfig tool = call.route().tool();
    if (client.kind().registration() == ClientKind.Registration.DYNAMIC) {
      throw new IllegalArgumentException("client_id: client " + client.client().id() + " registered itself, and Toolgate issues such a"
          + " client tokens for a user only (authorization code flow); use credential kind none with a token of your own");
    }
    Set<String> needed = new LinkedHashSet<>();
    String audience = null;
    for (Policy policy : TestCredential.policies(tool)) {
      if (policy.requires(CredentialKind.CLIENT_TOKEN)) {
        needed.addAll(policy.clientToken().scopes());
        audience = audience == null ? policy.clientToken().audience() : audience;
      }
    }
    if (tool.isMcp()) {
      needed.addAll(tool.mcp().ruleScopes());
      audience = tool.mcp().resource();
    }
    // As the token endpoint would: only scopes the client is allowed, for the tool's resource.
    Set<String> allowed = client.settings() == null ? Set.of() : client.settings().allowedScopes();
    List<String> scopes = new ArrayList<>(needed.stream().filter(allowed::contains).toList());
    Duration ttl = client.settings() == null || client.settings().tokenTtl().compareTo(TOKEN_LIFETIME) > 0
        ? TOKEN_LIFETIME : client.settings().tokenTtl();
    String token = accessTokens.issue(client.client().id(), scopes, List.of(audience), ttl).token();
    return call.withCredentialHeader("authorization", "Bearer " + token, token);
  }

  private OutgoingCall withSignature(OutgoingCall call, ClientOverview client) {
    String clientId = client.client().id();
    SigningSecret secret = credentials.newestSigningSecret(clientId)
        .orElseThrow(() -> new StoreConflictException("client " + clientId + " has no signing secret to sign the test call with"));
    byte[] body = call.bodyBytes() == null ? new byte[0] : call.bodyBytes();
    byte[] mac = SendbirdSignatureVerifier.hmac(secret.key(), body);
    PlatformConfig platform = call.route().platform();
    String signature = switch (platform.signatureEncoding()) {
      case HEX_LOWER, HEX -> HexFormat.of().formatHex(mac);
      case BASE64 -> Base64.getEncoder().encodeToString(mac);
    };
    return call.withCredentialHeader(platform.signatureHeader(), signature, signature);
  }
}
