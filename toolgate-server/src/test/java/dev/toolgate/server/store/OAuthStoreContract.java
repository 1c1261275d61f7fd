package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.secret.SecretDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OAuth settings, client secrets, token revocations, and their place in the snapshot and cache; every backend. */
abstract class OAuthStoreContract extends StoreTestBase {
  static final Set<String> SECRET_METHODS = Set.of(OAuthSettings.CLIENT_SECRET_BASIC, OAuthSettings.CLIENT_SECRET_POST);

  CredentialStore store;
  OAuthClientStore oauth;
  ClientRecord client;

  @BeforeEach
  void createStores() {
    store = newStore();
    oauth = newOAuthStore();
    client = store.createClient("asapp-prod", "asapp");
  }

  // ---- settings ----

  @Test
  void aNewClientHasTheDefaultSettings() {
    OAuthSettings settings = oauth.oauthSettings(client.id());
    assertThat(settings).isEqualTo(OAuthSettings.DEFAULT);
    assertThat(settings.allowedScopes()).isEmpty();
    assertThat(settings.tokenTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.authMethods()).containsExactly("client_secret_basic", "client_secret_post");
    assertThat(settings.jwks()).isNull();
    assertThatThrownBy(() -> oauth.oauthSettings("cl_missing")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void setsAndReadsBackSettings() throws Exception {
    RSAKey clientKey = new RSAKeyGenerator(2048).keyID("client-key-1").keyUse(KeyUse.SIGNATURE).generate();
    String jwks = new JWKSet(clientKey.toPublicJWK()).toString();
    long before = store.revision();

    OAuthSettings set = oauth.setOAuthSettings(client.id(), Set.of("profile:read", "orders:write"), Duration.ofMinutes(15),
        Set.of(OAuthSettings.PRIVATE_KEY_JWT, OAuthSettings.CLIENT_SECRET_BASIC), jwks);

    assertThat(store.revision()).isGreaterThan(before);
    OAuthSettings read = oauth.oauthSettings(client.id());
    assertThat(read).isEqualTo(set);
    assertThat(read.allowedScopes()).containsExactly("orders:write", "profile:read");
    assertThat(read.scopeString()).isEqualTo("orders:write profile:read");
    assertThat(read.tokenTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(read.authMethods()).containsExactly("client_secret_basic", "private_key_jwt");
    assertThat(read.jwks().getKeys()).containsExactly(clientKey.toPublicJWK());
    assertThat(read.allowsScopes(Set.of("profile:read"))).isTrue();
    assertThat(read.allowsScopes(Set.of("profile:read", "admin"))).isFalse();
    assertThat(read.allowsAuthMethod(OAuthSettings.CLIENT_SECRET_POST)).isFalse();

    // A single JWK is accepted too; no scopes and no keys are valid settings.
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    assertThat(oauth.setOAuthSettings(client.id(), Set.of(), Duration.ofSeconds(30), Set.of(OAuthSettings.PRIVATE_KEY_JWT), ec.toPublicJWK().toJSONString())
        .jwks().getKeys()).containsExactly(ec.toPublicJWK());
    assertThat(oauth.setOAuthSettings(client.id(), Set.of(), Duration.ofSeconds(30), SECRET_METHODS, null).jwks()).isNull();
    assertThat(oauth.setOAuthSettings(client.id(), Set.of(), Duration.ofSeconds(30), SECRET_METHODS, "  ").jwks()).isNull();
  }

  @Test
  void settingsAreValidated() throws Exception {
    long revision = store.revision();
    Duration hour = Duration.ofHours(1);
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("k").generate();

    for (String bad : List.of("", "a b", "quote\"d", "back\\slash", "caf\u00e9", "tab\there", "new\nline")) {
      assertThatThrownBy(() -> oauth.setOAuthSettings(client.id(), Set.of(bad), hour, SECRET_METHODS, null))
          .as("scope %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid scope")
          .hasMessageContaining("RFC 6749");
    }
    assertThat(OAuthSettings.isScopeToken("!#[]~:/.-_*")).isTrue();

    assertThatThrownBy(() -> oauth.setOAuthSettings(client.id(), Set.of(), hour, Set.of("client_secret_jwt"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown auth method 'client_secret_jwt'")
        .hasMessageContaining("client_secret_basic, client_secret_post, none, private_key_jwt");
    assertThatThrownBy(() -> oauth.setOAuthSettings(client.id(), Set.of(), hour, Set.of(), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one auth method");
    assertThatThrownBy(() -> oauth.setOAuthSettings(client.id(), Set.of(), hour, Set.of(OAuthSettings.PRIVATE_KEY_JWT), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private_key_jwt needs the client's public keys");

    for (Duration ttl : List.of(Duration.ZERO, Duration.ofSeconds(-5), Duration.ofMillis(1500))) {
      assertThatThrownBy(() -> oauth.setOAuthSettings(client.id(), Set.of(), ttl, SECRET_METHODS, null))
          .as("ttl %s", ttl).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token lifetime");
    }
    assertThatThrownBy(() -> oauth.setOAuthSettings(client.id(), Set.of(), null, SECRET_METHODS, null)).isInstanceOf(IllegalArgumentException.class);

    Map<String, String> badJwks = Map.of(
        "{not json", "not a valid JWK set",
        "{\"keys\": []}", "no keys",
        "{\"keys\": [{\"kty\": \"RSA\"}]}", "not a valid JWK set",
        new JWKSet(rsa).toString(false), "JWKS key 'k' is a private or symmetric RSA key",
        new OctetSequenceKeyGenerator(256).keyID("hmac").generate().toJSONString(), "JWKS key 'hmac' is a private or symmetric oct key",
        new RSAKeyGenerator(1024, true).keyID("small").generate().toPublicJWK().toJSONString(), "1024-bit RSA key",
        new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate().toPublicJWK().toJSONString(), "\"use\": \"enc\"",
        "{\"keys\": [" + "x".repeat(OAuthSettings.MAX_JWKS_CHARS) + "]}", "too large");
    badJwks.forEach((json, message) ->
        assertThatThrownBy(() -> oauth.setOAuthSettings(client.id(), Set.of(), hour, Set.of(OAuthSettings.PRIVATE_KEY_JWT), json))
            .as("JWKS %s", json.length() > 60 ? json.substring(0, 60) : json)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message)
            .hasMessageNotContaining(String.valueOf(rsa.getPrivateExponent())));

    assertThatThrownBy(() -> oauth.setOAuthSettings("cl_missing", Set.of(), hour, SECRET_METHODS, null)).isInstanceOf(NotFoundException.class);
    assertThat(store.revision()).as("nothing stored").isEqualTo(revision);
    assertThat(oauth.oauthSettings(client.id())).isEqualTo(OAuthSettings.DEFAULT);
  }

  @Test
  void settingsEditedIntoNonsenseAreReportedNotFatal() {
    ClientRecord other = store.createClient("other", "asapp");
    update(database, "UPDATE clients SET auth_methods = 'telepathy' WHERE id = ?", client.id());

    Snapshot snapshot = store.loadSnapshot();
    assertThat(snapshot.oauthSettings()).containsOnlyKeys(other.id());
    assertThat(snapshot.problems()).singleElement().asString().contains(client.id()).contains("unknown auth method 'telepathy'");
    assertThatThrownBy(() -> oauth.oauthSettings(client.id())).isInstanceOf(IllegalStateException.class).hasMessageContaining("telepathy");
  }

  // ---- client secrets ----

  @Test
  void createsListsAndRevokesClientSecrets() {
    Instant expires = START.plus(Duration.ofDays(90));
    IssuedSecret<ClientSecret> issued = oauth.createClientSecret(client.id(), expires);
    clock.advance(Duration.ofSeconds(1));
    IssuedSecret<ClientSecret> second = oauth.createClientSecret(client.id(), null);

    ClientSecret secret = issued.record();
    assertThat(issued.plaintext()).startsWith("tgc_").hasSize(4 + 43);
    assertThat(issued.toString()).doesNotContain(issued.plaintext());
    assertThat(secret.id()).startsWith("cs_");
    assertThat(secret.clientId()).isEqualTo(client.id());
    assertThat(secret.digest()).isEqualTo(SecretDigest.of(issued.plaintext()));
    assertThat(secret.createdAt()).isEqualTo(START);
    assertThat(secret.expiresAt()).isEqualTo(expires);
    assertThat(secret.usableAt(START)).isTrue();
    assertThat(secret.usableAt(expires)).isFalse();
    assertThat(oauth.listClientSecrets(client.id())).as("oldest first").containsExactly(secret, second.record());

    clock.advance(Duration.ofMinutes(1));
    assertThat(oauth.revokeClientSecret(secret.id())).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(oauth.revokeClientSecret(secret.id())).isFalse();
    assertThat(oauth.listClientSecrets(client.id()).get(0).revokedAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(1)));
    assertThat(oauth.listClientSecrets(client.id()).get(0).usableAt(START)).isFalse();

    assertThatThrownBy(() -> oauth.revokeClientSecret("cs_missing")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> oauth.createClientSecret("cl_missing", null)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> oauth.listClientSecrets("cl_missing")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> oauth.createClientSecret(client.id(), clock.instant())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clientSecretLastUseIsRecorded() {
    ClientSecret secret = oauth.createClientSecret(client.id(), null).record();
    long revision = store.revision();

    store.touchLastUsed(Map.of(secret.id(), START.plusSeconds(20)));
    store.touchLastUsed(Map.of(secret.id(), START.plusSeconds(10)));

    assertThat(oauth.listClientSecrets(client.id()).get(0).lastUsedAt()).isEqualTo(START.plusSeconds(20));
    assertThat(store.revision()).isEqualTo(revision);

    try (UsageWriter usage = new UsageWriter(store, Duration.ofHours(1))) {
      usage.used(secret.id(), START.plusSeconds(30));
      usage.flush();
    }
    assertThat(oauth.listClientSecrets(client.id()).get(0).lastUsedAt()).isEqualTo(START.plusSeconds(30));
  }

  // ---- revoked tokens ----

  @Test
  void revokingATokenIsIdempotentAndPurgedAfterItExpires() {
    Instant exp = START.plus(Duration.ofMinutes(10));
    long r0 = store.revision();

    oauth.revokeToken("jti-1", client.id(), exp);
    long r1 = store.revision();
    clock.advance(Duration.ofMinutes(1));
    oauth.revokeToken("jti-1", client.id(), exp);
    oauth.revokeToken("jti-2", null, exp.plus(Duration.ofHours(1)));

    assertThat(r1).isGreaterThan(r0);
    assertThat(count(database, "SELECT COUNT(*) FROM revoked_tokens")).isEqualTo(2);
    assertThat(count(database, "SELECT revoked_at FROM revoked_tokens WHERE jti = 'jti-1'")).as("first revocation kept")
        .isEqualTo(START.toEpochMilli());
    assertThat(store.loadSnapshot().revokedTokenIds()).containsExactlyInAnyOrder("jti-1", "jti-2");

    // Just expired: still listed, a verifier allowing clock skew may still accept the token.
    clock.advance(Duration.ofMinutes(10));
    assertThat(store.loadSnapshot().revokedTokenIds()).contains("jti-1");
    assertThat(oauth.purgeRevokedTokens(clock.instant())).isZero();

    // Past the skew margin: useless, left out of the snapshot, and purged.
    clock.advance(OAuthClientStore.REVOCATION_SKEW_MARGIN);
    assertThat(store.loadSnapshot().revokedTokenIds()).containsExactly("jti-2");
    assertThat(count(database, "SELECT COUNT(*) FROM revoked_tokens")).as("still stored until purged").isEqualTo(2);
    long before = store.revision();
    assertThat(oauth.purgeRevokedTokens(clock.instant())).isEqualTo(1);
    assertThat(store.revision()).isGreaterThan(before);
    assertThat(count(database, "SELECT COUNT(*) FROM revoked_tokens")).isEqualTo(1);
    long after = store.revision();
    assertThat(oauth.purgeRevokedTokens(clock.instant())).isZero();
    assertThat(store.revision()).as("an empty purge is not a change").isEqualTo(after);
  }

  @Test
  void revocationArgumentsAreChecked() {
    assertThatThrownBy(() -> oauth.revokeToken(" ", null, START)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> oauth.revokeToken("x".repeat(257), null, START)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> oauth.revokeToken("jti", null, null)).isInstanceOf(NullPointerException.class);
    // A client id that does not exist does not stop a revocation.
    oauth.revokeToken("jti", "cl_gone", START.plusSeconds(60));
    assertThat(store.loadSnapshot().revokedTokenIds()).containsExactly("jti");
  }

  // ---- dynamic registration ----

  @Test
  void aRegisteredClientIsStoredWholeInOneWriteAndListedAsDynamic() {
    long before = store.revision();
    OAuthSettings confidential = new OAuthSettings(Set.of("orders:read"), Duration.ofMinutes(10), Set.of(OAuthSettings.CLIENT_SECRET_BASIC), null,
        List.of("https://app.example.com/cb"));
    RegisteredClient web = oauth.registerClient("Web app", ClientKind.ApplicationType.WEB, confidential);
    assertThat(store.revision()).isEqualTo(before + 1);
    String id = web.client().id();
    assertThat(web.client().name()).isEqualTo("Web app (" + id + ")");
    assertThat(web.client().platform()).isEqualTo(OAuthClientStore.DYNAMIC_PLATFORM);
    assertThat(web.clientSecret()).startsWith(OAuthClientStore.CLIENT_SECRET_PREFIX);
    assertThat(web.toString()).doesNotContain(web.clientSecret());
    assertThat(oauth.oauthSettings(id)).isEqualTo(confidential);
    assertThat(oauth.listClientSecrets(id)).singleElement().satisfies(cs -> {
      assertThat(cs.digest()).isEqualTo(SecretDigest.of(web.clientSecret()));
      assertThat(cs.expiresAt()).isNull();
    });

    RegisteredClient app = oauth.registerClient("Web app", ClientKind.ApplicationType.NATIVE,
        new OAuthSettings(Set.of(), Duration.ofMinutes(10), Set.of(OAuthSettings.NONE), null, List.of("http://127.0.0.1/cb")));
    assertThat(app.clientSecret()).isNull();
    assertThat(oauth.listClientSecrets(app.client().id())).isEmpty();

    assertThat(oauth.listClients(null)).extracting(o -> o.client().id()).containsExactlyInAnyOrder(client.id(), id, app.client().id());
    assertThat(oauth.listClients(ClientKind.Registration.ADMIN)).singleElement()
        .satisfies(o -> assertThat(o.kind()).isEqualTo(ClientKind.ADMIN));
    assertThat(oauth.listClients(ClientKind.Registration.DYNAMIC)).extracting(ClientOverview::kind).containsExactlyInAnyOrder(
        new ClientKind(ClientKind.Registration.DYNAMIC, ClientKind.ApplicationType.WEB),
        new ClientKind(ClientKind.Registration.DYNAMIC, ClientKind.ApplicationType.NATIVE));
    assertThat(oauth.findClient(app.client().id())).hasValueSatisfying(o -> {
      assertThat(o.settings().isPublic()).isTrue();
      assertThat(o.settings().redirectUris()).containsExactly("http://127.0.0.1/cb");
    });
    assertThat(oauth.findClient("cl_missing")).isEmpty();

    // The hot path knows which clients registered themselves.
    assertThat(store.loadSnapshot().dynamicClientIds()).containsExactlyInAnyOrder(id, app.client().id());
    CredentialCache cache = new CredentialCache(store);
    assertThat(cache.registeredDynamically(id)).isTrue();
    assertThat(cache.registeredDynamically(client.id())).isFalse();
    assertThat(cache.registeredDynamically(null)).isFalse();

    // What a registration may not be is refused before anything is written.
    long now = store.revision();
    assertThatThrownBy(() -> oauth.registerClient("x", ClientKind.ApplicationType.WEB, OAuthSettings.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redirect URI");
    assertThat(store.revision()).isEqualTo(now);
  }

  // ---- snapshot, cache, revision ----

  @Test
  void snapshotAndCacheHoldTheOAuthData() {
    ClientRecord other = store.createClient("other", "sendbird");
    oauth.setOAuthSettings(client.id(), Set.of("a", "b"), Duration.ofMinutes(5), SECRET_METHODS, null);
    IssuedSecret<ClientSecret> secret = oauth.createClientSecret(client.id(), null);
    oauth.revokeToken("jti-revoked", client.id(), START.plus(Duration.ofHours(1)));

    Snapshot snapshot = store.loadSnapshot();
    assertThat(snapshot.oauthSettings()).containsOnlyKeys(client.id(), other.id());
    assertThat(snapshot.oauthSettings().get(client.id()).allowedScopes()).containsExactly("a", "b");
    assertThat(snapshot.oauthSettings().get(other.id())).isEqualTo(OAuthSettings.DEFAULT);
    assertThat(snapshot.clientSecrets()).containsExactly(secret.record());
    assertThat(snapshot.revokedTokenIds()).containsExactly("jti-revoked");
    assertThat(snapshot.problems()).isEmpty();

    CredentialCache cache = new CredentialCache(store);
    assertThat(cache.clientSecretByDigest(SecretDigest.of(secret.plaintext()))).contains(secret.record());
    assertThat(cache.clientSecretByDigest(SecretDigest.of("tgc_wrong"))).isEmpty();
    assertThat(cache.oauthSettings(client.id())).contains(snapshot.oauthSettings().get(client.id()));
    assertThat(cache.oauthSettings("cl_missing")).isEmpty();
    assertThat(cache.oauthSettings(null)).isEmpty();
    assertThat(cache.isRevoked("jti-revoked")).isTrue();
    assertThat(cache.isRevoked("jti-other")).isFalse();
    assertThat(cache.isRevoked(null)).isFalse();

    // Changes by another process reach the cache on its next refresh.
    oauth.revokeClientSecret(secret.record().id());
    oauth.revokeToken("jti-later", null, START.plus(Duration.ofHours(1)));
    oauth.setOAuthSettings(client.id(), Set.of("c"), Duration.ofMinutes(5), SECRET_METHODS, null);
    assertThat(cache.isRevoked("jti-later")).isFalse();
    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.isRevoked("jti-later")).isTrue();
    assertThat(cache.clientSecretByDigest(SecretDigest.of(secret.plaintext()))).hasValueSatisfying(s -> assertThat(s.revokedAt()).isNotNull());
    assertThat(cache.oauthSettings(client.id())).hasValueSatisfying(s -> assertThat(s.allowedScopes()).containsExactly("c"));
  }

  @Test
  void everyOAuthChangeBumpsTheRevisionAndReadsDoNot() {
    long r0 = store.revision();
    oauth.setOAuthSettings(client.id(), Set.of("a"), Duration.ofMinutes(5), SECRET_METHODS, null);
    long r1 = store.revision();
    IssuedSecret<ClientSecret> secret = oauth.createClientSecret(client.id(), null);
    long r2 = store.revision();
    oauth.revokeClientSecret(secret.record().id());
    long r3 = store.revision();
    oauth.revokeToken("j", null, START.plusSeconds(1));
    long r4 = store.revision();
    clock.advance(Duration.ofHours(1));
    oauth.purgeRevokedTokens(clock.instant());
    long r5 = store.revision();
    assertThat(new long[] {r0, r1, r2, r3, r4, r5}).isSorted().doesNotHaveDuplicates();

    oauth.oauthSettings(client.id());
    oauth.listClientSecrets(client.id());
    store.loadSnapshot();
    assertThat(store.revision()).isEqualTo(r5);
  }

  // ---- read-modify-write in one transaction ----

  @Test
  void anUpdateSeesTheStoredSettingsAndARefusalWritesNothing() {
    oauth.setRedirectUris(client.id(), List.of("https://app.example.com/cb"));
    OAuthSettings written = oauth.updateOAuthSettings(client.id(), current -> {
      assertThat(current.redirectUris()).containsExactly("https://app.example.com/cb");
      return new OAuthSettings(Set.of("a"), current.tokenTtl(), current.authMethods(), null, List.of());
    });
    assertThat(written.redirectUris()).as("redirect URIs are part of the update").isEmpty();
    assertThat(oauth.oauthSettings(client.id())).isEqualTo(written);

    long before = store.revision();
    assertThatThrownBy(() -> oauth.updateOAuthSettings(client.id(), current -> {
      throw new StoreConflictException("refused");
    })).isInstanceOf(StoreConflictException.class);
    assertThatThrownBy(() -> oauth.updateOAuthSettings("cl_missing", current -> current)).isInstanceOf(NotFoundException.class);
    assertThat(store.revision()).as("rolled back, revision bump included").isEqualTo(before);
    assertThat(oauth.oauthSettings(client.id())).isEqualTo(written);
  }

  @Test
  void concurrentUpdatesNeverLoseEachOther() throws Exception {
    int writers = 12;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
    try {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
      List<java.util.concurrent.Future<OAuthSettings>> done = new java.util.ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String scope = "s" + i;
        done.add(pool.submit(() -> {
          start.await(10, java.util.concurrent.TimeUnit.SECONDS);
          return oauth.updateOAuthSettings(client.id(), current -> {
            Set<String> scopes = new java.util.TreeSet<>(current.allowedScopes());
            scopes.add(scope);
            return new OAuthSettings(scopes, current.tokenTtl(), current.authMethods(), current.jwks(), current.redirectUris());
          });
        }));
      }
      for (var f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(oauth.oauthSettings(client.id()).allowedScopes()).hasSize(writers);
  }

  @Test
  void aJwksBuiltKeyByKeyMustStillFitWhatIsReadBack() throws Exception {
    RSAKey one = new RSAKeyGenerator(2048).generate().toPublicJWK();
    List<com.nimbusds.jose.jwk.JWK> keys = new java.util.ArrayList<>();
    while (new JWKSet(keys).toString(true).length() <= OAuthSettings.MAX_JWKS_CHARS) {
      keys.add(new RSAKey.Builder(one).keyID("k" + keys.size()).build());
    }
    JWKSet tooLarge = new JWKSet(keys);
    assertThatThrownBy(() -> new OAuthSettings(Set.of(), Duration.ofHours(1), Set.of(OAuthSettings.PRIVATE_KEY_JWT), tooLarge))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
  }

  @Test
  void clientSecretsAreFoundByIdAndListedForEveryClient() {
    ClientRecord other = store.createClient("other", "asapp");
    ClientSecret a = oauth.createClientSecret(client.id(), null).record();
    ClientSecret b = oauth.createClientSecret(other.id(), null).record();
    assertThat(oauth.findClientSecret(a.id())).hasValue(a);
    assertThat(oauth.findClientSecret("cs_missing")).isEmpty();
    assertThat(oauth.listAllClientSecrets()).extracting(ClientSecret::id).containsExactlyInAnyOrder(a.id(), b.id());
  }
}
