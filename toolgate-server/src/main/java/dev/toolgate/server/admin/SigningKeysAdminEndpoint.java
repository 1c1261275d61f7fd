package dev.toolgate.server.admin;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.SigningKeyInfo;
import dev.toolgate.server.store.SigningKeyStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The keys Toolgate signs its tokens with, on the admin API, what {@code toolgate keys} does:
 *
 * <pre>
 * GET  /admin/signing-keys                               → 200 {"signing_keys": [...]}, newest first
 * GET  /admin/signing-keys/{kid}                         → 200 signing key + ETag
 * POST /admin/signing-keys/rotate       {"algorithm"?}   → 201 signing key (the new active one)
 * POST /admin/signing-keys/{kid}/revoke {"algorithm"?}   → 200 signing key (state revoked) + "replacement"
 * </pre>
 *
 * Never key material: ids, algorithm, state, dates and the master key id. Both changes are
 * {@code operator} work, as {@code toolgate keys} is for whoever may open the store: a revocation
 * makes every token the key signed fail at once, so it is what an operator does when a key leaks.
 * Either reloads this instance's key ring before answering; other instances follow the store
 * revision.
 */
public final class SigningKeysAdminEndpoint implements Endpoint {
  private static final String BASE = "/admin/signing-keys";

  private final AdminRoutes routes;
  private final SigningKeyStore keys;
  private final Supplier<GatewayConfig> config;
  private final CredentialRefresh reload;

  /**
   * @param config the configuration in force: its maximum token lifetime (published vs expired) and
   *     signing algorithm (what a new key is unless the request names one); both are restart-only
   * @param reload makes a change visible to this instance at once, key ring included (blocking; called on a worker thread)
   */
  public SigningKeysAdminEndpoint(AdminRoutes routes, SigningKeyStore keys, Supplier<GatewayConfig> config, Runnable reload) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.config = Objects.requireNonNull(config, "config");
    this.reload = new CredentialRefresh(reload);
  }

  @Override
  public void mount(Router router) {
    routes.get(router, BASE, Access.READ, ctx -> AdminJson.respond(ctx, 200, () -> keys.list(lifetime()),
        (List<SigningKeyInfo> all) -> AdminResources.list("signing_keys", all, AdminResources::signingKey)));
    routes.get(router, BASE + "/:kid", Access.READ, ctx -> AdminJson.respondTagged(ctx, () -> find(ctx.pathParam("kid")),
        AdminResources::signingKey));
    // A creation: a retry under the same Idempotency-Key must not rotate twice.
    routes.create(router, BASE + "/rotate", Access.OPERATE, this::rotate);
    routes.post(router, BASE + "/:kid/revoke", Access.OPERATE, this::revoke);
  }

  private void rotate(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      SigningAlgorithm algorithm = algorithm(ctx);
      String kid = keys.rotate(algorithm).kid();
      reload.afterWrite();
      return find(kid);
    }, AdminResources::signingKey, key -> BASE + "/" + key.kid());
  }

  private void revoke(RoutingContext ctx) {
    String kid = ctx.pathParam("kid");
    record Answer(SigningKeyInfo revoked, SigningKeyInfo replacement) {}
    AdminJson.respond(ctx, 200, () -> {
      SigningAlgorithm algorithm = algorithm(ctx);
      find(kid); // an unknown kid is a 404 before a replacement key is generated for nothing
      SigningKeyStore.Revocation done = keys.revokeKey(kid, algorithm); // 404 once deleted: a second revocation finds nothing
      reload.afterWrite();
      SigningKeyInfo replacement = done.replacement() == null ? null
          : keys.find(done.replacement().kid(), lifetime()).orElse(null);
      return new Answer(done.revoked(), replacement);
    }, answer -> AdminResources.revokedSigningKey(answer.revoked(), answer.replacement()));
  }

  private SigningAlgorithm algorithm(RoutingContext ctx) {
    JsonObject body = AdminBody.read(ctx, List.of("algorithm"));
    String name = AdminJson.string(body, "algorithm", false);
    if (name == null) {
      return config.get().authorizationServer().signingAlgorithm();
    }
    return SigningAlgorithm.parse(name).orElseThrow(() -> new IllegalArgumentException("algorithm must be RS256, ES256 or EdDSA"));
  }

  private Duration lifetime() {
    return config.get().authorizationServer().maxTokenTtl();
  }

  private SigningKeyInfo find(String kid) {
    return keys.find(kid, lifetime()).orElseThrow(() -> new NotFoundException("no signing key with kid '" + kid + "'"));
  }
}
