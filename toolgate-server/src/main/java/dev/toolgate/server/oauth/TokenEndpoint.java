package dev.toolgate.server.oauth;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /oauth/token} (RFC 6749 §4.4 client credentials, RFC 8707 resource indicators) and its
 * ASAPP-shaped twin {@code POST /oauth/access_token} ({@code grant_type} also accepted in the query;
 * the answer has {@code issued_at} and {@code client_id} and string-typed numbers as ASAPP documents).
 */
public final class TokenEndpoint implements Endpoint {
  static final int MAX_FORM_BYTES = 64 * 1024;

  private final ClientAuthenticator clients;
  private final AccessTokenService tokens;
  private final Set<String> knownResources;
  private final String defaultResource;
  private final AuditSink audit;
  private final String configVersion;

  /**
   * @param knownResources the resources a token may be asked for: the default and every tool's audience
   * @param configVersion the version of the configuration those come from, for the audit; null when made in code
   */
  public TokenEndpoint(ClientAuthenticator clients, AccessTokenService tokens, Set<String> knownResources, String defaultResource, AuditSink audit,
      String configVersion) {
    this.configVersion = configVersion;
    this.clients = clients;
    this.tokens = tokens;
    this.knownResources = Set.copyOf(knownResources);
    this.defaultResource = defaultResource;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    FormBodyReader body = new FormBodyReader(MAX_FORM_BYTES);
    router.post("/oauth/token").handler(body).handler(ctx -> handle(ctx, false)).failureHandler(OAuthResponses::failed);
    router.post("/oauth/access_token").handler(body).handler(ctx -> handle(ctx, true)).failureHandler(OAuthResponses::failed);
  }

  private void handle(RoutingContext ctx, boolean asapp) {
    long start = System.nanoTime();
    FormRequest.Result parsed = FormRequest.read(ctx);
    if (parsed.error() != null) {
      answer(ctx, start, null, parsed.error());
      return;
    }
    FormRequest form = parsed.form();
    if (asapp && form.queryRepeats("grant_type")) {
      answer(ctx, start, null, OAuthError.invalidRequest("grant_type is sent more than once"));
      return;
    }
    Optional<String> grant = asapp ? form.getFromBodyOrQuery("grant_type") : form.get("grant_type");
    if (grant.isEmpty()) {
      answer(ctx, start, null, OAuthError.invalidRequest("grant_type is missing"));
      return;
    }
    clients.authenticate(ctx.request(), form, ctx.vertx().getOrCreateContext())
        .onSuccess(auth -> authenticated(ctx, start, asapp, grant.get(), form, auth))
        .onFailure(ctx::fail);
  }

  private void authenticated(RoutingContext ctx, long start, boolean asapp, String grant, FormRequest form, ClientAuthenticator.Outcome auth) {
    if (auth.error() != null) {
      answer(ctx, start, null, auth.error());
      return;
    }
    ClientAuthenticator.Authenticated client = auth.client();
    if (!grant.equals("client_credentials")) {
      answer(ctx, start, client, OAuthError.unsupportedGrantType("only client_credentials is supported here"));
      return;
    }
    Set<String> allowed = client.settings().allowedScopes();
    Set<String> scopes;
    Optional<String> requested = form.get("scope");
    if (requested.isPresent()) {
      scopes = new LinkedHashSet<>(List.of(requested.get().split(" ")));
      if (scopes.contains("") || !scopes.stream().allMatch(ScopeSyntax::isScopeToken)) {
        answer(ctx, start, client, OAuthError.invalidScope("scope must be space-separated scope tokens"));
        return;
      }
      List<String> extra = scopes.stream().filter(s -> !allowed.contains(s)).toList();
      if (!extra.isEmpty()) {
        answer(ctx, start, client, OAuthError.invalidScope("not allowed for this client: " + String.join(" ", extra)));
        return;
      }
    } else {
      scopes = new LinkedHashSet<>(allowed); // RFC 6749 §3.3: the registered default
    }
    List<String> audience = new ArrayList<>();
    for (String resource : form.all("resource")) {
      if (!knownResources.contains(resource)) {
        answer(ctx, start, client, OAuthError.invalidTarget("unknown resource; see /.well-known/oauth-protected-resource"));
        return;
      }
      if (!audience.contains(resource)) {
        audience.add(resource);
      }
    }
    if (audience.isEmpty()) {
      audience.add(defaultResource);
    }
    // RSA signing takes about a millisecond: do it off the event loop.
    ctx.vertx().executeBlocking(() -> tokens.issue(client.client().id(), scopes, audience, client.settings().tokenTtl()), false)
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
            return;
          }
          AccessTokenService.IssuedAccessToken t = done.result();
          JsonObject body = asapp
              ? new JsonObject()
                  .put("token_type", "Bearer")
                  .put("issued_at", Long.toString(t.issuedAt().toEpochMilli()))
                  .put("client_id", client.client().id())
                  .put("access_token", t.token())
                  .put("scope", t.scope())
                  .put("expires_in", Long.toString(t.expiresIn().toSeconds()))
              : new JsonObject()
                  .put("access_token", t.token())
                  .put("token_type", "Bearer")
                  .put("expires_in", t.expiresIn().toSeconds())
                  .put("scope", t.scope());
          record(ctx, start, client, "allow", "ok", 200, "issued access token " + t.jti() + " via " + client.method());
          OAuthResponses.json(ctx.response(), 200, body);
        });
  }

  private void answer(RoutingContext ctx, long start, ClientAuthenticator.Authenticated client, OAuthError error) {
    record(ctx, start, client, "deny", error.error(), error.status(), error.description());
    OAuthResponses.error(ctx.response(), error);
  }

  private void record(RoutingContext ctx, long start, ClientAuthenticator.Authenticated client, String decision, String code, int status, String detail) {
    audit.record(new AuditEvent(Instant.now(), RequestId.of(ctx), ctx.request().method().name(), ctx.request().path(),
        ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress(), null,
        client == null ? null : client.client().id(), List.of(), decision, code, status, (System.nanoTime() - start) / 1000, detail,
        List.of(), configVersion));
  }
}
