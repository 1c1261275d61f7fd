package dev.toolgate.server;

import dev.toolgate.server.mcp.McpGate;
import dev.toolgate.server.mcp.McpResourceMetadata;
import dev.toolgate.server.mcp.McpSessions;
import dev.toolgate.server.store.SealedState;

import com.nimbusds.jose.JOSEObjectType;
import dev.toolgate.core.config.AuthServerSettings;
import dev.toolgate.core.config.CodeFlowSettings;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.credential.ApiKeyVerifier;
import dev.toolgate.core.credential.ClientTokenVerifier;
import dev.toolgate.core.credential.ExternalJwtVerifier;
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.credential.StandardWebhooksVerifier;
import dev.toolgate.core.credential.StaticTokenVerifier;
import dev.toolgate.core.credential.MtlsVerifier;
import dev.toolgate.core.credential.StripeSignatureVerifier;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.engine.UserBinder;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.JwtKeys;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import dev.toolgate.server.admin.AdminApi;
import dev.toolgate.server.admin.ToolCallTestEndpoint;
import dev.toolgate.server.admin.ToolsAdminEndpoint;
import dev.toolgate.server.admin.testcall.LoopbackSender;
import dev.toolgate.server.admin.testcall.TestCallCredentials;
import dev.toolgate.server.admin.testcall.TestCallTarget;
import dev.toolgate.server.admin.UserAdminEndpoint;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.Forwarding;
import dev.toolgate.server.http.Prefetch;
import dev.toolgate.server.http.RunningConfig;
import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.oauth.CachedVerifiedTokens;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.ExternalKeyReadiness;
import dev.toolgate.server.oauth.MetadataEndpoint;
import dev.toolgate.server.oauth.OwnTokens;
import dev.toolgate.server.oauth.RevocationEndpoint;
import dev.toolgate.server.oauth.TokenEndpoint;
import dev.toolgate.server.oauth.client.ClientRegistrationEndpoint;
import dev.toolgate.server.oauth.grant.AuthorizationCodeGrant;
import dev.toolgate.server.oauth.grant.ClientCredentialsGrant;
import dev.toolgate.server.oauth.grant.RefreshTokenGrant;
import dev.toolgate.server.oauth.authorize.AuthorizeEndpoint;
import dev.toolgate.server.oauth.client.ClientResolver;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.store.AuditWriter;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.UsageWriter;
import dev.toolgate.server.users.CachedUserDirectory;
import dev.toolgate.server.users.CustomerLoginEndpoint;
import dev.toolgate.server.users.CustomerLoginSettings;
import dev.toolgate.server.users.CustomerTokens;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds what a reload of {@code toolgate.yaml} replaces, a {@link RunningConfig}: routes, verifiers
 * and policy engine, forwarding rules, and the endpoints that list the tools (token, metadata,
 * customer login). What lives as long as the process (store, credentials, shared state, users,
 * admin tokens) is given once, in {@link Parts}; so are the caches a reload keeps.
 */
final class PolicyWiring {
  /**
   * What lives as long as the process.
   *
   * @param login the customer-token settings of {@code authorization_server}, without tools (each configuration adds its own)
   * @param clientTokens verified access tokens: their rules (Toolgate's issuer and keys) do not change with a reload
   * @param registration dynamic client registration's process-lifetime parts; null when {@code registration.mode} is off
   * @param fixedEndpoints Toolgate's endpoints that nothing in a reload changes, in mounting order
   */
  record Parts(Clock clock, String issuer, AuthServerSettings auth, CredentialCache credentials, UsageWriter usage, AuditWriter audit,
      SharedState shared, CachedUserDirectory userDirectory, UserBinder binder, UserStore users, OpaqueIds opaqueIds, PasswordHasher hasher,
      CustomerLoginSettings login, JwtKeys ownKeys, java.util.function.Predicate<String> ownKeyTrusted, CachedVerifiedTokens clientTokens,
      ClientAuthenticator clientAuth, RevocationEndpoint.Revoker revoker, AdminApi admin, AuthorizationStore authorizations,
      ClientResolver codeFlowClients, SecretBox box, ClientRegistrationEndpoint.Setup registration, List<Endpoint> fixedEndpoints) {}

  /**
   * One built configuration, with what the next reload may keep from it.
   *
   * @param customerAudiences the audiences customer tokens were verified for; the cache is kept while they stay the same
   */
  record Built(RunningConfig running, TrustedIssuers trusted, List<String> customerAudiences, CachedVerifiedTokens customerTokens) {}

  private final Parts parts;

  PolicyWiring(Parts parts) {
    this.parts = parts;
  }

  /**
   * Builds everything {@code config} decides. Changes nothing running: the result is used only once
   * it is swapped in.
   *
   * @param previous what the configuration in force was built with, whose caches are kept where still valid; null at start
   * @throws RuntimeException when the configuration cannot be served (a trusted issuer's keys over plain http elsewhere than loopback)
   */
  Built build(GatewayConfig config, String version, Built previous) {
    Clock clock = parts.clock();
    CredentialCache credentials = parts.credentials();
    RouteTable routes = RouteTable.from(config);
    CustomerLoginSettings login = parts.login().withTools(userTokenTools(config));
    // A customer token verified for audiences that a removed tool took along must be verified again.
    CachedVerifiedTokens customerCache = previous != null && previous.customerAudiences().equals(login.allAudiences())
        ? previous.customerTokens() : new CachedVerifiedTokens(Toolgate.VERIFIED_TOKEN_CACHE_BYTES, parts.ownKeyTrusted());
    JwtVerifier customerTokens = new JwtVerifier(parts.ownKeys(), new JwtRules(parts.issuer(), Set.copyOf(login.allAudiences()),
        OwnTokens.ALGORITHMS, Set.of(JOSEObjectType.JWT), Duration.ofSeconds(30), OwnTokens.MAX_TOKEN_CHARS, true), clock);
    TrustedIssuers trusted = TrustedIssuers.start(config, clock, previous == null ? null : previous.trusted());
    ClientAddress clientAddress = new ClientAddress(config.server().trustedProxies());
    SharedState shared = parts.shared();
    PolicyEngine engine = new PolicyEngine(List.of(
        new ExternalJwtVerifier(trusted.verifiers(), clock),
        new SendbirdSignatureVerifier(credentials, clock),
        new StandardWebhooksVerifier(credentials, clock),
        new StripeSignatureVerifier(credentials, clock),
        new StaticTokenVerifier(credentials, clock),
        new MtlsVerifier(clock),
        new ApiKeyVerifier(credentials, clock),
        new ClientTokenVerifier(parts.ownKeys(), OwnTokens.ALGORITHMS, parts.issuer(), parts.issuer() + MetadataEndpoint.RESOURCE_METADATA_PATH,
            credentials, parts.clientTokens(), clock),
        trusted.userTokens(customerTokens, customerCache, credentials, clock)),
        credentials, parts.usage(), clock, shared.quota(), clientAddress,
        config.failedAuthLimit().orElse(null), parts.binder(), shared.fallback());
    engine.checkCovers(routes.routes());

    JwtIssuer signer = new JwtIssuer(credentials::keyRing);
    AuthServerSettings auth = parts.auth();
    List<Endpoint> endpoints = new ArrayList<>(parts.fixedEndpoints());
    endpoints.add(new CustomerLoginEndpoint(parts.users(), parts.hasher(), signer, credentials::keyRing, shared.loginThrottle(), clientAddress,
        parts.opaqueIds(), login, (jti, exp) -> parts.revoker().revoke(jti, null, exp), clock));
    AdminApi admin = parts.admin();
    CustomerTokens minted = new CustomerTokens(signer, parts.opaqueIds(), login, clock);
    endpoints.add(new UserAdminEndpoint(admin.routes(), parts.users(), parts.hasher(), minted, parts.userDirectory()::forgetUser));
    CodeFlowSettings codeFlow = config.authorizationServer().codeFlow(); // resources and lifetimes follow a reload
    AccessTokenService accessTokens = new AccessTokenService(signer, parts.issuer(), auth.maxTokenTtl(), clock);
    Instant loadedAt = Instant.now(clock);
    // The tools as configured, and test calls of them: this configuration's, sent to the port it is served on.
    endpoints.add(new ToolsAdminEndpoint(admin.routes(), config, routes, version, loadedAt));
    endpoints.add(new ToolCallTestEndpoint(admin.routes(), new TestCallTarget(routes, config.server()),
        new TestCallCredentials(admin.credentials(), admin.oauth(), admin.users(), minted, accessTokens),
        new LoopbackSender(config.server()), parts.audit(), admin.audit()));
    Set<String> resources = resources(config);
    endpoints.add(new TokenEndpoint(parts.clientAuth(), List.of(
        new ClientCredentialsGrant(accessTokens, resources, auth.defaultResource(), credentials::registeredDynamically),
        new AuthorizationCodeGrant(accessTokens, parts.authorizations(), parts.users(), codeFlow, credentials::markRevoked, clock),
        new RefreshTokenGrant(accessTokens, parts.authorizations(), parts.users(), codeFlow, credentials::markRevoked,
            credentials::oauthSettings, clock)),
        parts.audit(), version));
    // The code flow's tokens are for the resources declared for it (the MCP servers), never for a tool's
    // client_token audience: that would let anyone who can sign in hand a registered client a tool's scopes.
    endpoints.add(new AuthorizeEndpoint(parts.issuer(), codeFlowResources(config), parts.codeFlowClients(), parts.authorizations(),
        parts.users(), parts.hasher(), shared.loginThrottle(), clientAddress, parts.box(), codeFlow, parts.audit(), clock));
    if (parts.registration() != null) {
      endpoints.add(new ClientRegistrationEndpoint(parts.registration(), scopes(config), clientAddress, version));
    }
    McpGate mcp = new McpGate(routes.routes(), new McpSessions(new SealedState(parts.box())));
    if (mcp.any()) {
      endpoints.add(new McpResourceMetadata(config, parts.issuer()));
    }
    endpoints.add(new MetadataEndpoint(parts.issuer(), auth.defaultResource(), resources, scopes(config), toolScopes(config), codeFlow,
        credentials::keyRing));

    RunningConfig running = new RunningConfig(version, loadedAt, config, routes,
        new Forwarding(routes.routes(), config.platforms().values()),
        Prefetch.both(new ExternalKeyReadiness(trusted.jwks()), parts.userDirectory()), engine, endpoints, mcp);
    return new Built(running, trusted, login.allAudiences(), customerCache);
  }

  /** What a configuration changes in state that outlives it (the idle expiry of rate-limit buckets), once it is in force. */
  void inForce(GatewayConfig config) {
    parts.shared().follow(config);
  }

  /** Tools a customer token may be minted for alone: those that require a user token. */
  private static List<String> userTokenTools(GatewayConfig config) {
    return config.tools().stream().filter(t -> t.policy().requires(CredentialKind.USER_TOKEN)).map(ToolConfig::name).toList();
  }

  /** RFC 8707 resource ids a client may ask a token for: the default, every tool's audience and the declared resources. */
  private static Set<String> resources(GatewayConfig config) {
    Set<String> out = new TreeSet<>();
    out.add(config.authorizationServer().defaultResource());
    out.addAll(config.authorizationServer().codeFlow().resources());
    for (ToolConfig tool : config.tools()) {
      if (tool.isMcp()) {
        out.add(tool.mcp().resource());
      } else if (tool.policy().clientToken() != null) {
        out.add(tool.policy().clientToken().audience());
      }
    }
    return out;
  }

  /** What a user may hand a client a token for: the declared resources and every MCP route Toolgate serves. */
  private static Set<String> codeFlowResources(GatewayConfig config) {
    Set<String> out = new TreeSet<>(config.authorizationServer().codeFlow().resources());
    config.tools().stream().filter(ToolConfig::isMcp).forEach(t -> out.add(t.mcp().resource()));
    return Set.copyOf(out);
  }

  private static Set<String> scopes(GatewayConfig config) {
    Set<String> out = new TreeSet<>();
    for (ToolConfig tool : config.tools()) {
      if (tool.policy().clientToken() != null) {
        out.addAll(tool.policy().clientToken().scopes());
      }
      if (tool.policy().userToken() != null) {
        out.addAll(tool.policy().userToken().scopes());
      }
      if (tool.isMcp()) {
        out.addAll(tool.mcp().ruleScopes());
      }
    }
    return out;
  }

  private static List<MetadataEndpoint.ToolScopes> toolScopes(GatewayConfig config) {
    List<MetadataEndpoint.ToolScopes> out = new ArrayList<>();
    for (ToolConfig tool : config.tools()) {
      if (tool.policy().clientToken() != null) {
        out.add(new MetadataEndpoint.ToolScopes(tool.name(), tool.method(), tool.path(), tool.policy().clientToken().scopes()));
      }
    }
    return out;
  }
}
