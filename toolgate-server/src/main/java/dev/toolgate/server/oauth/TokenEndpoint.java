package dev.toolgate.server.oauth;

import dev.toolgate.core.port.AuditSink;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.toolgate.server.oauth.grant.Grant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code POST /oauth/token} and its ASAPP-shaped twin {@code POST /oauth/access_token}
 * ({@code grant_type} also accepted in the query; the answer has {@code issued_at} and
 * {@code client_id} and string-typed numbers as ASAPP documents, client credentials only).
 *
 * <p>Reads the form, authenticates the client (public clients too: a bare {@code client_id}), and
 * hands both to the {@link Grant} of the {@code grant_type}, on a worker thread (the store, and RSA
 * signing at about a millisecond). Every answer is audited, and leaves once its record is kept
 * ({@code audit.durability: durable}: committed; 503 {@code temporarily_unavailable} if it cannot be).
 */
public final class TokenEndpoint implements Endpoint {
  static final int MAX_FORM_BYTES = 64 * 1024;
  private static final String CLIENT_CREDENTIALS = "client_credentials";

  private final ClientAuthenticator clients;
  private final Map<String, Grant> grants;
  private final AuditSink audit;
  private final String configVersion;

  /** @param configVersion the version of the configuration the grants come from, for the audit; null when made in code */
  public TokenEndpoint(ClientAuthenticator clients, List<Grant> grants, AuditSink audit, String configVersion) {
    this.configVersion = configVersion;
    this.clients = clients;
    this.grants = grants.stream().collect(Collectors.toUnmodifiableMap(Grant::type, g -> g));
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    FormBodyReader body = new FormBodyReader(MAX_FORM_BYTES);
    Handler<RoutingContext> failed = OAuthResponses.failedAudited(MAX_FORM_BYTES, audit, configVersion);
    router.post("/oauth/token").handler(body).handler(ctx -> handle(ctx, false)).failureHandler(failed);
    router.post("/oauth/access_token").handler(body).handler(ctx -> handle(ctx, true)).failureHandler(failed);
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
    Optional<String> grantType = asapp ? form.getFromBodyOrQuery("grant_type") : form.get("grant_type");
    if (grantType.isEmpty()) {
      answer(ctx, start, null, OAuthError.invalidRequest("grant_type is missing"));
      return;
    }
    Grant grant = asapp && !grantType.get().equals(CLIENT_CREDENTIALS) ? null : grants.get(grantType.get());
    clients.authenticate(ctx.request(), form, ctx.vertx().getOrCreateContext(), !asapp)
        .onSuccess(auth -> authenticated(ctx, start, asapp, grant, form, auth))
        .onFailure(ctx::fail);
  }

  private void authenticated(RoutingContext ctx, long start, boolean asapp, Grant grant, FormRequest form, ClientAuthenticator.Outcome auth) {
    if (auth.error() != null) {
      answer(ctx, start, null, auth.error());
      return;
    }
    ClientAuthenticator.Authenticated client = auth.client();
    if (grant == null) {
      answer(ctx, start, client, OAuthError.unsupportedGrantType(asapp ? "only client_credentials is supported here"
          : "supported grant types: " + String.join(", ", new TreeSet<>(grants.keySet()))));
      return;
    }
    ctx.vertx().executeBlocking(() -> grant.issue(client, form), false).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (done.result() instanceof Grant.Refused refused) {
        answer(ctx, start, client, refused.error(), refused.detail());
      } else {
        issued(ctx, start, asapp, client, grant, (Grant.Issued) done.result());
      }
    });
  }

  private void issued(RoutingContext ctx, long start, boolean asapp, ClientAuthenticator.Authenticated client, Grant grant, Grant.Issued issued) {
    AccessTokenService.IssuedAccessToken t = issued.access();
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
    if (issued.refreshToken() != null) {
      body.put("refresh_token", issued.refreshToken());
    }
    String forWhom = issued.subject().equals(client.client().id()) ? "" : " for user " + issued.subject();
    recordThen(ctx, start, client, "allow", "ok", 200, "issued access token " + t.jti() + forWhom + " via " + grant.type() + " (" + client.method() + ")",
        () -> OAuthResponses.json(ctx.response(), 200, body));
  }

  private void answer(RoutingContext ctx, long start, ClientAuthenticator.Authenticated client, OAuthError error) {
    answer(ctx, start, client, error, error.description());
  }

  private void answer(RoutingContext ctx, long start, ClientAuthenticator.Authenticated client, OAuthError error, String detail) {
    recordThen(ctx, start, client, "deny", error.error(), error.status(), detail, () -> OAuthResponses.error(ctx.response(), error));
  }

  /** Audits the answer, then sends it once its record is kept (503 if it cannot be). */
  private void recordThen(RoutingContext ctx, long start, ClientAuthenticator.Authenticated client, String decision, String code, int status,
      String detail, Runnable send) {
    OAuthResponses.afterRecord(ctx, audit, OAuthResponses.event(ctx, client == null ? null : client.client().id(), decision, code, status,
        (System.nanoTime() - start) / 1000, detail, configVersion), send);
  }
}
