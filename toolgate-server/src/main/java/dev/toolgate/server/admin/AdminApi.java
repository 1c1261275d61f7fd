package dev.toolgate.server.admin;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.store.SigningKeyStore;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.UserStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin API's endpoints that nothing in {@code toolgate.yaml} changes (a reload keeps them), in
 * mounting order; {@link AdminAuth} first ({@link AdminMethodNotAllowed} runs last whatever the
 * order). The user endpoints depend on the configuration and are built with it ({@code
 * PolicyWiring}); those here that check a name against it (platforms, tools) read the
 * configuration in force at each request.
 *
 * @param opaqueIds the process's opaque customer identifiers (their caches and active key are shared with the gateway)
 * @param auditSpillDir where this instance's audit writer spills ({@code audit.spill_dir}): a prune waits until it is empty
 * @param refreshCredentials makes a credential change visible to this instance at once, signing key
 *     ring included (blocking)
 * @param config the configuration in force now (it follows a reload): which platforms and tools exist
 */
public record AdminApi(AdminAuth auth, AdminRoutes routes, Database database, SecretBox box, CredentialStore credentials,
    OAuthClientStore oauth, UserStore users, OpaqueIds opaqueIds, AuditLog audit, Path auditSpillDir, Runnable refreshCredentials,
    Supplier<GatewayConfig> config, Clock clock) {

  public static AdminApi of(AdminAuth auth, Database database, SecretBox box, CredentialStore credentials, OAuthClientStore oauth,
      UserStore users, OpaqueIds opaqueIds, AuditLog audit, Path auditSpillDir, Runnable refreshCredentials, Supplier<GatewayConfig> config,
      Clock clock) {
    AdminRoutes routes = new AdminRoutes(auth, new IdempotencyKeys(database, clock));
    return new AdminApi(auth, routes, database, box, credentials, oauth, users, opaqueIds, audit, auditSpillDir, refreshCredentials, config,
        clock);
  }

  public List<Endpoint> endpoints() {
    KnownNames names = new KnownNames(config);
    return List.of(
        auth,
        new AdminTokensEndpoint(routes, new AdminTokenStore(database, clock)),
        new PlatformUsersEndpoint(routes, users, clock),
        new OpaqueIdsAdminEndpoint(routes, users, opaqueIds, config),
        new DecisionsAdminEndpoint(routes, audit),
        new AuditAdminEndpoint(routes, audit, auditSpillDir, clock),
        new ClientAdminEndpoint(routes, credentials, oauth, names, refreshCredentials),
        new SigningSecretsAdminEndpoint(routes, credentials, refreshCredentials, clock),
        new StaticTokensAdminEndpoint(routes, credentials, refreshCredentials, clock),
        new ApiKeysAdminEndpoint(routes, credentials, names, refreshCredentials, clock),
        new OAuthSettingsAdminEndpoint(routes, oauth, refreshCredentials),
        new ClientKeysAdminEndpoint(routes, oauth, refreshCredentials),
        new ClientSecretsAdminEndpoint(routes, oauth, refreshCredentials, clock),
        // The refresh reloads this instance's signing key ring too.
        new SigningKeysAdminEndpoint(routes, new SigningKeyStore(database, box, clock), config, refreshCredentials),
        new OpenApiEndpoint(routes),
        new AdminMethodNotAllowed()); // ordered after every admin route, wherever it is mounted
  }
}
