package dev.toolgate.server.cli;

import com.nimbusds.jose.jwk.JWKSet;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
        "Options left out keep their current value; with no option, the settings are shown. A change made",
        "meanwhile by someone else is not undone (with --server: read, changed, written back with If-Match, retried)."})
final class ClientOAuthCommand implements Callable<Integer> {
  /** A file bigger than this is not a JWKS; the store refuses much less anyway. */
  private static final long MAX_JWKS_FILE_BYTES = 1024 * 1024;
  private static final Pattern SECONDS = Pattern.compile("([1-9][0-9]{0,6})s");

  /** PUTs tried when someone else keeps changing the settings in between. */
  private static final int MAX_ATTEMPTS = 5;

  @Spec CommandSpec spec;
  @Mixin StoreOrServer where;
  @Mixin OutputOption output;
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
    // Checked here, before anything is sent or written: a private key in the file never leaves this machine.
    JWKSet newJwks = jwksJson == null ? null : OAuthSettings.parseJwks(jwksJson);
    Duration tokenTtl = ttl == null ? null : parseTtl(ttl);
    Set<String> scopeSet = scopes == null ? null : OAuthSettings.parseScopes(scopes);
    List<String> methods = authMethods == null ? null : authMethods.stream().map(String::strip).toList();
    List<String> uris = redirectUris == null ? null : redirectUris.stream().map(String::strip).filter(u -> !u.isEmpty()).toList();
    if (uris != null) {
      OAuthSettings.DEFAULT.withRedirectUris(uris);
    }
    boolean change = scopeSet != null || tokenTtl != null || methods != null || jwks != null || uris != null;
    Shown shown = where.remote() ? remote(change, scopeSet, tokenTtl, methods, newJwks, uris) : where.store(s -> {
      ClientRecord c = Clients.find(s, client);
      OAuthClientStore oauth = new OAuthClientStore(s.database);
      OAuthSettings settings = !change ? oauth.oauthSettings(c.id()) : oauth.updateOAuthSettings(c.id(), current -> {
        // Options left out keep the values stored when the change is written, not those read before:
        // a change made meanwhile by another command or the admin API is not undone.
        if (current == null) {
          throw UserError.conflict("the stored OAuth settings of client " + c.name() + " became unusable meanwhile; run the command again");
        }
        return new OAuthSettings(scopeSet != null ? scopeSet : current.allowedScopes(), tokenTtl != null ? tokenTtl : current.tokenTtl(),
            methods != null ? new LinkedHashSet<>(methods) : current.authMethods(), jwks == null ? current.jwks() : newJwks,
            uris != null ? uris : current.redirectUris());
      });
      Instant now = Instant.now();
      return new Shown(ClientCommand.overview(s, c.id()), AdminResources.oauthSettings(c.id(), settings),
          oauth.listClientSecrets(c.id()).stream().anyMatch(cs -> cs.usableAt(now)));
    });
    output.print(spec, shown.settings(), out -> print(out, shown, change));
    return 0;
  }

  /** What the text shows: the client, its settings, and whether it holds a usable client secret. */
  private record Shown(JsonObject client, JsonObject settings, boolean usableSecret) {}

  /**
   * Through the admin API: GET the settings, change what was asked, PUT them with {@code If-Match};
   * if someone changed them in between (412), read them again and redo the change, a few times.
   */
  private Shown remote(boolean change, Set<String> scopeSet, Duration tokenTtl, List<String> methods, JWKSet newJwks, List<String> uris) {
    AdminClient api = where.api();
    JsonObject c = Clients.find(api, client);
    String path = AdminClient.path("/admin/clients/{}/oauth", c.getString("id"));
    JsonObject settings = null;
    for (int attempt = 1; settings == null; attempt++) {
      AdminClient.Answer read = api.ok(api.exchange("GET", path, null, null));
      if (!change) {
        settings = read.body();
        break;
      }
      JsonObject wanted = read.body().copy();
      wanted.remove("client_id");
      if (scopeSet != null) {
        wanted.put("scopes", new JsonArray(List.copyOf(scopeSet)));
      }
      if (tokenTtl != null) {
        wanted.put("token_ttl_seconds", tokenTtl.toSeconds());
      }
      if (methods != null) {
        wanted.put("auth_methods", new JsonArray(methods));
      }
      if (jwks != null) {
        wanted.put("jwks", newJwks == null ? null : new JsonObject(newJwks.toPublicJWKSet().toJSONObject(true)));
      }
      if (uris != null) {
        wanted.put("redirect_uris", new JsonArray(uris));
      }
      AdminClient.Answer written = api.exchange("PUT", path, wanted, read.etag());
      if (written.status() != 412 || attempt == MAX_ATTEMPTS) {
        settings = api.ok(written).body();
      }
    }
    boolean usable = output.json() || Json.objects(api.get(AdminClient.query("/admin/client-secrets",
        AdminClient.params("client_id", c.getString("id")))), "client_secrets").stream().anyMatch(cs -> Json.active(cs, Instant.now()));
    return new Shown(c, settings, usable);
  }

  private void print(PrintWriter out, Shown shown, boolean changed) {
    JsonObject c = shown.client();
    JsonObject settings = shown.settings();
    String name = c.getString("name");
    if (changed) {
      out.println("Updated OAuth settings of client " + name + " (running servers: at once on PostgreSQL, within a second on SQLite).");
    }
    List<String> scopeList = Json.strings(settings, "scopes");
    List<String> methodList = Json.strings(settings, "auth_methods");
    List<String> uriList = Json.strings(settings, "redirect_uris");
    out.println("client_id:     " + c.getString("id") + " (" + name + (c.getBoolean("enabled", true) ? "" : ", disabled") + ")");
    out.println("scopes:        " + (scopeList.isEmpty() ? "(none)" : String.join(" ", scopeList)));
    out.println("token ttl:     " + format(Duration.ofSeconds(settings.getLong("token_ttl_seconds"))));
    out.println("auth methods:  " + String.join(" ", methodList));
    out.println("jwks:          " + describe(settings.getJsonObject("jwks")));
    out.println("redirect URIs: " + (uriList.isEmpty() ? "(none)" : String.join(" ", uriList)));
    boolean secretMethods = methodList.contains(OAuthSettings.CLIENT_SECRET_BASIC) || methodList.contains(OAuthSettings.CLIENT_SECRET_POST);
    if (secretMethods && !shown.usableSecret()) {
      out.println("Note: the client has no usable client secret; create one with `toolgate client-secret create --client " + name + "`.");
    }
  }

  private static String readJwks(Path file) {
    try {
      if (Files.size(file) > MAX_JWKS_FILE_BYTES) {
        throw UserError.usage("--jwks-file " + file + " is too large to be a JWKS (" + Files.size(file) + " bytes)");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw UserError.usage("cannot read --jwks-file " + file + ": " + e.getMessage());
    }
  }

  /** {@code 90s} or any lifetime {@link Expiry#lifetime} takes ({@code 15m}, {@code 1h}, {@code 1d}). */
  static Duration parseTtl(String text) {
    var m = SECONDS.matcher(text);
    if (m.matches()) {
      return Duration.ofSeconds(Long.parseLong(m.group(1)));
    }
    if (!text.matches("[1-9][0-9]{0,6}[dhm]")) {
      throw UserError.usage("--ttl must be a duration like 90s, 15m, 1h or 1d, got '" + text + "'");
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

  /** The registered public keys ({@code {"keys": [...]}} or null) in words: how many, and each one's kid and type. */
  private static String describe(JsonObject jwks) {
    List<JsonObject> keys = jwks == null ? List.of() : Json.objects(jwks, "keys");
    if (jwks == null) {
      return "(none)";
    }
    return keys.size() + " public key(s): " + keys.stream()
        .map(k -> (k.getString("kid") == null ? "(no kid)" : k.getString("kid")) + " " + k.getString("kty"))
        .collect(Collectors.joining(", "));
  }
}
