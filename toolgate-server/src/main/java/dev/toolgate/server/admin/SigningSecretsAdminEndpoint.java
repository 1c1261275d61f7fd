package dev.toolgate.server.admin;

import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.secret.SecretGenerator;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Signing secrets on the admin API: the keys a platform signs tool calls with (for Sendbird, its
 * master API token), as {@code toolgate secret add|list|revoke} manages them.
 *
 * <pre>
 * GET  /admin/signing-secrets[?client_id=]                        → 200 {"signing_secrets": [...]}
 * POST /admin/signing-secrets  {"client_id", "value"?, "expires_at"?} → 201 signing secret + "secret"
 * GET  /admin/signing-secrets/{id}                                → 200 signing secret
 * POST /admin/signing-secrets/{id}/revoke                         → 200 signing secret
 * </pre>
 *
 * Without {@code value} a random secret is generated ({@code secret add --generate}); with it, the
 * platform's own secret is stored. Either way the answer shows it once, in {@code "secret"}. The
 * value is text, stored as the UTF-8 bytes of the JSON string with surrounding whitespace removed,
 * exactly what {@code secret add --from-stdin} stores for the same line.
 */
public final class SigningSecretsAdminEndpoint implements Endpoint {
  static final String BASE = "/admin/signing-secrets";
  /** Platform secrets are tens of characters; a kilobyte leaves room and stops pasted documents. */
  static final int MAX_VALUE_BYTES = 1024;
  private static final List<String> CREATE_FIELDS = List.of("client_id", "value", "expires_at");

  private final AdminRoutes routes;
  private final CredentialStore credentials;
  private final CredentialRefresh refresh;
  private final Clock clock;

  public SigningSecretsAdminEndpoint(AdminRoutes routes, CredentialStore credentials, Runnable refresh, Clock clock) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.refresh = new CredentialRefresh(refresh);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void mount(Router router) {
    routes.get(router, BASE, Access.READ, ctx -> AdminJson.respond(ctx, 200,
        () -> credentials.listSigningSecrets(CredentialInput.clientFilter(ctx)),
        all -> AdminResources.list("signing_secrets", all, AdminResources::signingSecret)));
    routes.create(router, BASE, Access.OPERATE, this::create);
    routes.get(router, BASE + "/:id", Access.READ, ctx -> AdminJson.respondTagged(ctx, () -> find(ctx.pathParam("id")),
        AdminResources::signingSecret));
    routes.post(router, BASE + "/:id/revoke", Access.OPERATE, this::revoke);
  }

  private void create(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, CREATE_FIELDS);
      String clientId = CredentialInput.id(body, "client_id");
      String value = body.containsKey("value") ? value(body) : SecretGenerator.secret(SecretGenerator.SIGNING_SECRET_PREFIX);
      Instant expiresAt = CredentialInput.expiresAt(body, clock);
      SigningSecret added = credentials.addSigningSecret(clientId, value.getBytes(StandardCharsets.UTF_8), expiresAt);
      refresh.afterWrite();
      SigningSecret shown = new SigningSecret(added.id(), added.clientId(), null, added.createdAt(), added.expiresAt(), added.revokedAt());
      return new IssuedSecret<>(shown, value);
    }, issued -> AdminResources.issued(issued, AdminResources::signingSecret), issued -> BASE + "/" + issued.record().id());
  }

  /** The platform's secret, checked without ever repeating it in an error. */
  static String value(JsonObject body) {
    if (!(body.getValue("value") instanceof String text)) {
      throw new IllegalArgumentException("value must be a string (leave it out to have a secret generated)");
    }
    String value = text.strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("value must not be empty (leave it out to have a secret generated)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException("value must not contain control characters (line breaks, tabs, NUL)");
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        if (!paired) {
          throw new IllegalArgumentException("value must be valid Unicode text (it has an unpaired surrogate escape)");
        }
        i++;
      }
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value must be at most " + MAX_VALUE_BYTES + " bytes in UTF-8");
    }
    return value;
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      credentials.revokeSigningSecret(id); // already revoked: the same answer, the first revocation time kept
      refresh.afterWrite();
      return find(id);
    }, AdminResources::signingSecret);
  }

  private SigningSecret find(String id) {
    return credentials.findSigningSecret(id).orElseThrow(() -> new NotFoundException("no signing secret with id '" + id + "'"));
  }
}
