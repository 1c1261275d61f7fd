package dev.toolgate.server.cli;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "client-oauth", mixinStandardHelpOptions = true,
    description = {"Show or change how a client uses the token endpoint: the scopes it may request, the lifetime",
        "of its access tokens, how it authenticates, its public keys for private_key_jwt, and the redirect URIs",
        "of its authorization code flow.",
        "Options left out keep their current value; with no option, the settings are shown."})
final class ClientOAuthCommand implements Callable<Integer> {
  /** A file bigger than this is not a JWKS; the store refuses much less anyway. */
  private static final long MAX_JWKS_FILE_BYTES = 1024 * 1024;
  private static final Pattern SECONDS = Pattern.compile("([1-9][0-9]{0,6})s");

  @Spec CommandSpec spec;
  @Mixin ConfigOption config;
  @Parameters(index = "0", paramLabel = "CLIENT", description = "Client id or name.") String client;
  @Option(names = "--scopes", paramLabel = "SCOPES",
      description = "Scopes the client may request, space-separated (quote them: \"orders:read profile\"); \"\" for none.") String scopes;
  @Option(names = "--ttl", paramLabel = "DURATION", description = "Lifetime of its access tokens: 90s, 15m, 1h (new clients: 1h).") String ttl;
  @Option(names = "--auth-methods", split = ",", paramLabel = "METHOD",
      description = "Allowed client authentication, comma-separated: client_secret_basic, client_secret_post, private_key_jwt"
          + " (new clients: client_secret_basic,client_secret_post); or none alone, for a public client of the authorization code"
          + " flow (a native or browser app holding no secret, protected by PKCE).") List<String> authMethods;
  @Option(names = "--redirect-uris", split = ",", paramLabel = "URI",
      description = "Where the authorization code flow may send the client's codes, comma-separated (https; http only on loopback,"
          + " any port; or a native app's com.example.app:/callback); \"\" for none.") List<String> redirectUris;
  @ArgGroup(exclusive = true) Jwks jwks;

  static final class Jwks {
    @Option(names = "--jwks-file", paramLabel = "FILE", description = "The client's public keys for private_key_jwt: a JWK set or one JWK (JSON). Private keys are refused.") Path file;
    @Option(names = "--no-jwks", description = "Remove the registered public keys.") boolean none;
  }

  @Override
  public Integer call() {
    String jwksJson = jwks != null && jwks.file != null ? readJwks(jwks.file) : null;
    Duration tokenTtl = ttl == null ? null : parseTtl(ttl);
    List<String> uris = redirectUris == null ? null : redirectUris.stream().map(String::strip).filter(u -> !u.isEmpty()).toList();
    if (uris != null) {
      OAuthSettings.DEFAULT.withRedirectUris(uris); // checked before anything is written
    }
    boolean change = scopes != null || tokenTtl != null || authMethods != null || jwks != null;
    try (StoreSession s = new StoreSession(config.load())) {
      ClientRecord c = Clients.find(s, client);
      OAuthClientStore oauth = new OAuthClientStore(s.database);
      OAuthSettings settings = oauth.oauthSettings(c.id());
      var out = spec.commandLine().getOut();
      if (change || uris != null) {
        // Options left out keep the values stored when the change is written, not those read above:
        // a change made meanwhile by another command or the admin API is not undone.
        JWKSet newJwks = jwks == null || jwks.none ? null : OAuthSettings.parseJwks(jwksJson);
        settings = oauth.updateOAuthSettings(c.id(), current -> {
          if (current == null) {
            throw new UserError("the stored OAuth settings of client " + c.name() + " became unusable meanwhile; run the command again");
          }
          return new OAuthSettings(
              scopes != null ? OAuthSettings.parseScopes(scopes) : current.allowedScopes(),
              tokenTtl != null ? tokenTtl : current.tokenTtl(),
              authMethods != null ? new LinkedHashSet<>(authMethods.stream().map(String::strip).toList()) : current.authMethods(),
              jwks == null ? current.jwks() : newJwks,
              uris != null ? uris : current.redirectUris());
        });
      }
      if (change || uris != null) {
        out.println("Updated OAuth settings of client " + c.name() + " (running servers: at once on PostgreSQL, within a second on SQLite).");
      }
      out.println("client_id:     " + c.id() + " (" + c.name() + (c.enabled() ? "" : ", disabled") + ")");
      out.println("scopes:        " + (settings.allowedScopes().isEmpty() ? "(none)" : settings.scopeString()));
      out.println("token ttl:     " + format(settings.tokenTtl()));
      out.println("auth methods:  " + String.join(" ", settings.authMethods()));
      out.println("jwks:          " + describe(settings));
      out.println("redirect URIs: " + (settings.redirectUris().isEmpty() ? "(none)" : String.join(" ", settings.redirectUris())));
      boolean secretMethods = settings.allowsAuthMethod(OAuthSettings.CLIENT_SECRET_BASIC) || settings.allowsAuthMethod(OAuthSettings.CLIENT_SECRET_POST);
      Instant now = Instant.now();
      if (secretMethods && oauth.listClientSecrets(c.id()).stream().noneMatch(cs -> cs.usableAt(now))) {
        out.println("Note: the client has no usable client secret; create one with `toolgate client-secret create --client " + c.name() + "`.");
      }
    }
    return 0;
  }

  private static String readJwks(Path file) {
    try {
      if (Files.size(file) > MAX_JWKS_FILE_BYTES) {
        throw new UserError("--jwks-file " + file + " is too large to be a JWKS (" + Files.size(file) + " bytes)");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("cannot read --jwks-file " + file + ": " + e.getMessage());
    }
  }

  /** {@code 90s} or any lifetime {@link Expiry#lifetime} takes ({@code 15m}, {@code 1h}, {@code 1d}). */
  static Duration parseTtl(String text) {
    var m = SECONDS.matcher(text);
    if (m.matches()) {
      return Duration.ofSeconds(Long.parseLong(m.group(1)));
    }
    if (!text.matches("[1-9][0-9]{0,6}[dhm]")) {
      throw new UserError("--ttl must be a duration like 90s, 15m, 1h or 1d, got '" + text + "'");
    }
    return Expiry.lifetime("--ttl", text);
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static String describe(OAuthSettings settings) {
    if (settings.jwks() == null) {
      return "(none)";
    }
    List<JWK> keys = settings.jwks().getKeys();
    return keys.size() + " public key(s): " + keys.stream()
        .map(k -> (k.getKeyID() == null ? "(no kid)" : k.getKeyID()) + " " + k.getKeyType())
        .collect(Collectors.joining(", "));
  }
}
