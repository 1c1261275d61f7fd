package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.server.store.ClientKind;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.store.RegisteredClient;
import dev.toolgate.server.store.SigningKeyInfo;
import dev.toolgate.server.store.SigningKeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code keys}, {@code client-secret} and {@code client-oauth}, checked against what the store holds afterwards. */
class CliOAuthCommandsTest extends CliTestSupport {
  static final Duration DAY = Duration.ofDays(1);

  /** Runs with this test's config; registers the commands if ToolgateCli does not (yet) do so itself. */
  Run oauthCmd(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    return run(CliOAuthCommandsTest::register, all);
  }

  static void register(CommandLine cli) {
    Map<String, Object> commands = Map.of(
        "keys", new KeysCommand(), "client-secret", new ClientSecretCommand(), "client-oauth", new ClientOAuthCommand());
    commands.forEach((name, command) -> {
      if (!cli.getSubcommands().containsKey(name)) {
        cli.addSubcommand(command);
        // Settings made on the parent before this do not reach a subcommand added after.
        CommandLine added = cli.getSubcommands().get(name);
        added.setOut(cli.getOut());
        added.setErr(cli.getErr());
        added.setExecutionExceptionHandler(cli.getExecutionExceptionHandler());
      }
    });
  }

  <T> T withOAuth(Function<OAuthClientStore, T> use) {
    GatewayConfig c = loadedConfig();
    try (Database db = Database.open(c.store())) {
      return use.apply(new OAuthClientStore(db));
    }
  }

  <T> T withKeys(Function<SigningKeyStore, T> use) {
    GatewayConfig c = loadedConfig();
    try (Database db = Database.open(c.store())) {
      return use.apply(new SigningKeyStore(db, MasterKey.load(c.store())));
    }
  }

  // ---- keys ----

  @Test
  void keysRotateAndList() throws Exception {
    Run empty = oauthCmd("keys", "list").ok();
    assertThat(empty.out()).contains("KID").contains("(none)");

    Run first = oauthCmd("keys", "rotate").ok();
    String k1 = first.find("Signing key (kid_\\w+) \\(RS256\\) is now active");
    assertThat(first.out()).doesNotContain("Previous key");

    Run second = oauthCmd("keys", "rotate", "--algorithm", "es256").ok();
    String k2 = second.find("Signing key (kid_\\w+) \\(ES256\\) is now active");
    assertThat(second.out()).contains("Previous key " + k1 + " is retired and stays in the JWKS");

    String k3 = oauthCmd("keys", "rotate", "--algorithm", "EdDSA").ok().find("Signing key (kid_\\w+) \\(EdDSA\\)");

    Run list = oauthCmd("keys", "list").ok();
    List<String> lines = list.out().lines().toList();
    assertThat(lines.get(0)).matches("KID\\s+ALG\\s+STATE\\s+CREATED\\s+ACTIVATED\\s+RETIRED\\s+MASTER KEY");
    assertThat(list.out())
        .containsPattern(k3 + "\\s+EdDSA\\s+active\\s+\\d{4}-")
        .containsPattern(k2 + "\\s+ES256\\s+published")
        .containsPattern(k1 + "\\s+RS256\\s+published")
        .doesNotContain("\"d\"");

    List<SigningKeyInfo> stored = withKeys(k -> k.list(DAY));
    assertThat(stored).extracting(SigningKeyInfo::kid).containsExactlyInAnyOrder(k1, k2, k3);
    assertThat(withKeys(k -> k.loadKeyRing(DAY)).active().algorithm()).isEqualTo(SigningAlgorithm.EDDSA);

    // Retired two days ago: expired under the configured maximum token lifetime (24h), unless told otherwise.
    GatewayConfig c = loadedConfig();
    try (Database db = Database.open(c.store());
        java.sql.Connection connection = db.dataSource().getConnection();
        java.sql.PreparedStatement age = connection.prepareStatement("UPDATE signing_keys SET retired_at = retired_at - ? WHERE kid = ?")) {
      age.setLong(1, Duration.ofDays(2).toMillis());
      age.setString(2, k1);
      assertThat(age.executeUpdate()).isEqualTo(1);
    }
    assertThat(c.authorizationServer().maxTokenTtl()).isEqualTo(DAY);
    assertThat(oauthCmd("keys", "list").ok().out()).containsPattern(k1 + "\\s+RS256\\s+expired");
    assertThat(oauthCmd("keys", "list", "--max-token-lifetime", "7d").ok().out()).containsPattern(k1 + "\\s+RS256\\s+published");
  }

  @Test
  void withoutAlgorithmANewKeyIsTheConfiguredOneAsOnTheAdminApi() throws Exception {
    Files.writeString(config, CONFIG.replace("authorization_server:\n", "authorization_server:\n  signing_algorithm: ES256\n"));
    assertThat(loadedConfig().authorizationServer().signingAlgorithm()).isEqualTo(SigningAlgorithm.ES256);
    String k1 = oauthCmd("keys", "rotate").ok().find("Signing key (kid_\\w+) \\(ES256\\) is now active");
    String k2 = oauthCmd("keys", "rotate", "--algorithm", "EdDSA").ok().find("Signing key (kid_\\w+) \\(EdDSA\\) is now active");
    assertThat(oauthCmd("keys", "revoke", k2).ok().out()).contains("It was the active key").contains("(ES256) signs new tokens now");
    assertThat(withKeys(k -> k.loadKeyRing(DAY)).active().algorithm()).isEqualTo(SigningAlgorithm.ES256);
    List<SigningKeyInfo> stored = withKeys(k -> k.list(DAY));
    assertThat(stored).extracting(SigningKeyInfo::kid).contains(k1);
    assertThat(oauthCmd("keys", "rotate", "--help").ok().out()).contains("authorization_server.signing_algorithm").doesNotContain("default: RS256)");
  }

  @Test
  void keysRevokeWithdrawsAKeyAndReplacesTheActiveOne() {
    String k1 = oauthCmd("keys", "rotate").ok().find("Signing key (kid_\\w+)");
    String k2 = oauthCmd("keys", "rotate", "--algorithm", "ES256").ok().find("Signing key (kid_\\w+)");
    assertThat(oauthCmd("keys", "revoke", k1).ok().out()).contains("Signing key " + k1 + " is revoked").doesNotContain("It was the active key");
    String out = oauthCmd("keys", "revoke", k2, "--algorithm", "EdDSA").ok().out();
    assertThat(out).contains("Signing key " + k2 + " is revoked").contains("It was the active key");
    List<SigningKeyInfo> left = withKeys(k -> k.list(DAY));
    assertThat(left).singleElement().satisfies(k -> {
      assertThat(k.kid()).isNotIn(k1, k2);
      assertThat(k.algorithm()).isEqualTo(SigningAlgorithm.EDDSA);
      assertThat(k.state()).isEqualTo(SigningKeyInfo.State.ACTIVE);
    });
    oauthCmd("keys", "revoke", "kid_nope").notFound("no signing key with kid 'kid_nope'");
    oauthCmd("keys", "revoke", left.get(0).kid(), "--algorithm", "HS256").invalid("--algorithm must be RS256, ES256 or EdDSA");
  }

  @Test
  void keysErrors() {
    oauthCmd("keys", "rotate", "--algorithm", "HS256").invalid("--algorithm must be RS256, ES256 or EdDSA, got 'HS256'");
    oauthCmd("keys", "list", "--max-token-lifetime", "forever").invalid("--max-token-lifetime must be a duration");
    List<SigningKeyInfo> none = withKeys(k -> k.list(DAY));
    assertThat(none).isEmpty();
  }

  @Test
  void keysCommandsRefuseAnotherMasterKeyUntilAResetAfterItWasLost() throws Exception {
    String k1 = oauthCmd("keys", "rotate").ok().find("Signing key (kid_\\w+)");
    Path keyFile = Path.of(loadedConfig().store().masterKeyFile());
    assertThat(keyFile).exists();
    Files.writeString(keyFile, MasterKey.generate().toBase64() + "\n", StandardCharsets.US_ASCII);

    oauthCmd("keys", "rotate").userError("is not the master key of", "toolgate master-key reset --help");
    oauthCmd("keys", "list").userError("is not the master key of");

    assertThat(oauthCmd("master-key", "reset", "--confirm-lost-key").ok().out()).contains("Deleted signing key " + k1);
    String k2 = oauthCmd("keys", "rotate").ok().find("Signing key (kid_\\w+)");
    assertThat(withKeys(k -> k.loadKeyRing(DAY)).active().kid()).isEqualTo(k2);
    assertThat(oauthCmd("keys", "list").ok().out()).doesNotContain(k1);
  }

  // ---- client secrets ----

  @Test
  void clientSecretCreateListRevoke() {
    String clientId = createClient("asapp-prod");

    Run created = oauthCmd("client-secret", "create", "--client", "asapp-prod", "--expires", "90d").ok();
    String id = created.find("Created client secret (cs_\\w+) for client asapp-prod, expires \\d{4}-");
    assertThat(created.find("client_id: (cl_\\w+)")).isEqualTo(clientId);
    String secret = created.find("client_secret \\(shown once, store it now\\): (tgc_[A-Za-z0-9_-]{43})");

    List<ClientSecret> stored = withOAuth(o -> o.listClientSecrets(clientId));
    assertThat(stored).singleElement().satisfies(cs -> {
      assertThat(cs.id()).isEqualTo(id);
      assertThat(cs.digest()).isEqualTo(SecretDigest.of(secret));
      assertThat(cs.expiresAt()).isCloseTo(Instant.now().plus(Duration.ofDays(90)), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
    });

    Run list = oauthCmd("client-secret", "list", "--client", clientId).ok();
    assertThat(list.out().lines().findFirst().orElseThrow()).matches("ID\\s+CLIENT\\s+CREATED\\s+EXPIRES\\s+REVOKED\\s+LAST USED");
    assertThat(list.out()).containsPattern(id + "\\s+" + clientId + "\\s+\\d{4}-\\S+\\s+\\d{4}-\\S+\\s+-\\s+-").doesNotContain(secret);

    assertThat(oauthCmd("client-secret", "revoke", id).ok().out()).isEqualTo("Revoked client secret " + id + "\n");
    String revoked = oauthCmd("client-secret", "revoke", id, "-o", "json").ok().out();
    assertThat(oauthCmd("client-secret", "revoke", id, "-o", "json").ok().out()).as("revoking again changes nothing").isEqualTo(revoked);
    assertThat(withOAuth(o -> o.listClientSecrets(clientId)).get(0).revokedAt()).isNotNull();
    assertThat(oauthCmd("client-secret", "list", "--client", "asapp-prod").ok().out()).doesNotContainPattern(id + "\\s+\\S+\\s+\\S+\\s+\\S+\\s+-");
  }

  @Test
  void clientSecretErrors() {
    createClient("c");
    oauthCmd("client-secret", "create", "--client", "nope").notFound("no client with id or name 'nope'");
    oauthCmd("client-secret", "create", "--client", "c", "--expires", "soon").invalid("--expires must be");
    oauthCmd("client-secret", "revoke", "cs_missing").notFound("no client secret with id 'cs_missing'");
    oauthCmd("client-secret", "create").usageError("'--client=CLIENT'", "Usage: toolgate client-secret create");
  }

  // ---- client-oauth ----

  @Test
  void clientOAuthShowsAndChangesSettings() throws Exception {
    String clientId = createClient("asapp-prod");

    Run shown = oauthCmd("client-oauth", "asapp-prod").ok();
    assertThat(shown.out()).doesNotContain("Updated")
        .contains("client_id:     " + clientId + " (asapp-prod)")
        .contains("scopes:        (none)")
        .contains("token ttl:     1h")
        .contains("auth methods:  client_secret_basic client_secret_post")
        .contains("jwks:          (none)")
        .contains("no usable client secret");

    Run set = oauthCmd("client-oauth", "asapp-prod", "--scopes", "profile:read  orders:write", "--ttl", "15m").ok();
    assertThat(set.out()).contains("Updated OAuth settings of client asapp-prod")
        .contains("scopes:        orders:write profile:read")
        .contains("token ttl:     15m");
    OAuthSettings stored = withOAuth(o -> o.oauthSettings(clientId));
    assertThat(stored.allowedScopes()).containsExactly("orders:write", "profile:read");
    assertThat(stored.tokenTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(stored.authMethods()).as("left unchanged").containsExactly("client_secret_basic", "client_secret_post");

    RSAKey rsa = new RSAKeyGenerator(2048).keyID("client-rsa").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("client-ec").generate();
    Path jwks = dir.resolve("client-jwks.json");
    Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
    Run keys = oauthCmd("client-oauth", clientId, "--auth-methods", "private_key_jwt", "--jwks-file", jwks.toString(), "--ttl", "90s").ok();
    assertThat(keys.out()).contains("auth methods:  private_key_jwt")
        .contains("jwks:          2 public key(s): client-rsa RSA, client-ec EC")
        .contains("token ttl:     90s")
        .doesNotContain("no usable client secret");
    stored = withOAuth(o -> o.oauthSettings(clientId));
    assertThat(stored.jwks().getKeys()).containsExactly(rsa.toPublicJWK(), ec.toPublicJWK());
    assertThat(stored.allowedScopes()).as("left unchanged").containsExactly("orders:write", "profile:read");

    oauthCmd("client-oauth", clientId, "--auth-methods", "client_secret_post,private_key_jwt", "--scopes", "").ok();
    stored = withOAuth(o -> o.oauthSettings(clientId));
    assertThat(stored.allowedScopes()).isEmpty();
    assertThat(stored.authMethods()).containsExactly("client_secret_post", "private_key_jwt");
    assertThat(stored.jwks()).as("kept").isNotNull();

    oauthCmd("client-oauth", clientId, "--auth-methods", "client_secret_basic", "--no-jwks").ok();
    assertThat(withOAuth(o -> o.oauthSettings(clientId)).jwks()).isNull();
  }

  @Test
  void clientOAuthSetsRedirectUrisAndPublicClientsAndListShowsHowClientsWereRegistered() {
    String clientId = createClient("desktop-agent");
    Run set = oauthCmd("client-oauth", "desktop-agent", "--auth-methods", "none",
        "--redirect-uris", "http://127.0.0.1/callback, com.example.agent:/cb").ok();
    assertThat(set.out()).contains("Updated OAuth settings of client desktop-agent")
        .contains("auth methods:  none")
        .contains("redirect URIs: http://127.0.0.1/callback com.example.agent:/cb")
        .doesNotContain("no usable client secret");
    OAuthSettings stored = withOAuth(o -> o.oauthSettings(clientId));
    assertThat(stored.isPublic()).isTrue();
    assertThat(stored.redirectUris()).containsExactly("http://127.0.0.1/callback", "com.example.agent:/cb");

    // A bad URI is refused before anything is written.
    oauthCmd("client-oauth", "desktop-agent", "--scopes", "orders:read", "--redirect-uris", "https://app.example.com/cb#frag")
        .invalid("must not have a fragment");
    oauthCmd("client-oauth", "desktop-agent", "--redirect-uris", "http://app.example.com/cb").invalid("only allowed for loopback");
    assertThat(withOAuth(o -> o.oauthSettings(clientId)).allowedScopes()).isEmpty();
    oauthCmd("client-oauth", "desktop-agent", "--auth-methods", "none,client_secret_basic").invalid("cannot be combined");

    // A client that registered itself is listed as dynamic; the filter shows one kind.
    RegisteredClient dynamic = withOAuth(o -> o.registerClient("MCP client", ClientKind.ApplicationType.NATIVE,
        new OAuthSettings(java.util.Set.of(), Duration.ofHours(1), java.util.Set.of("none"), null, List.of("http://127.0.0.1/cb"))));
    String dynamicId = dynamic.client().id();
    Run all = cmd("client", "list").ok();
    assertThat(all.out()).containsPattern(clientId + "\\s+desktop-agent\\s+\\S+\\s+true\\s+\\S+\\s+admin\\s+2\\s+none")
        .containsPattern(dynamicId + "\\s+MCP client \\(" + dynamicId + "\\)\\s+oauth\\s+true\\s+\\S+\\s+dynamic\\s+1\\s+none");
    Run onlyDynamic = cmd("client", "list", "--registration", "dynamic").ok();
    assertThat(onlyDynamic.out()).contains(dynamicId).doesNotContain(clientId);
    assertThat(cmd("client", "list", "--registration", "admin").ok().out()).contains(clientId).doesNotContain(dynamicId);
    cmd("client", "list", "--registration", "bogus").invalid("--registration must be admin or dynamic");

    // Disabling revokes it; "" removes every redirect URI of the other.
    assertThat(cmd("client", "disable", dynamicId).ok().out()).startsWith("Disabled client " + dynamicId);
    assertThat(cmd("client", "list", "--registration", "dynamic").ok().out()).containsPattern(dynamicId + ".*\\s+false\\s+");
    oauthCmd("client-oauth", "desktop-agent", "--redirect-uris", "").ok();
    assertThat(withOAuth(o -> o.oauthSettings(clientId)).redirectUris()).isEmpty();
  }

  @Test
  void clientOAuthErrors() throws Exception {
    String clientId = createClient("c");
    oauthCmd("client-oauth", "nope").notFound("no client with id or name 'nope'");
    oauthCmd("client-oauth", "c", "--scopes", "ok bad\"quote").invalid("invalid scope 'bad\"quote'");
    oauthCmd("client-oauth", "c", "--auth-methods", "client_secret_jwt").invalid("unknown auth method 'client_secret_jwt'");
    oauthCmd("client-oauth", "c", "--auth-methods", "private_key_jwt").invalid("private_key_jwt needs the client's public keys");
    oauthCmd("client-oauth", "c", "--ttl", "0s").invalid("--ttl must be a duration");
    oauthCmd("client-oauth", "c", "--ttl", "1w").invalid("--ttl must be a duration like 90s, 15m, 1h or 1d, got '1w'");
    oauthCmd("client-oauth", "c", "--jwks-file", dir.resolve("missing.json").toString()).invalid("cannot read --jwks-file");

    Path privateJwks = dir.resolve("private.json");
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("oops").generate();
    Files.writeString(privateJwks, new JWKSet(rsa).toString(false));
    Run refused = oauthCmd("client-oauth", "c", "--jwks-file", privateJwks.toString()).invalid("JWKS key 'oops' is a private or symmetric RSA key");
    assertThat(refused.err()).doesNotContain(rsa.getPrivateExponent().toString());

    oauthCmd("client-oauth", "c", "--jwks-file", privateJwks.toString(), "--no-jwks").usageError("mutually exclusive");
    OAuthSettings unchanged = withOAuth(o -> o.oauthSettings(clientId));
    assertThat(unchanged).as("nothing changed").isEqualTo(OAuthSettings.DEFAULT);
  }

  @Test
  void helpDescribesTheCommands() {
    assertThat(oauthCmd("keys", "--help").ok().out()).contains("rotate").contains("list").contains("JWKS");
    assertThat(oauthCmd("client-secret", "--help").ok().out()).contains("create").contains("revoke").contains("shown once");
    assertThat(oauthCmd("client-oauth", "--help").ok().out()).contains("--scopes").contains("--jwks-file").contains("--no-jwks");
  }
}
