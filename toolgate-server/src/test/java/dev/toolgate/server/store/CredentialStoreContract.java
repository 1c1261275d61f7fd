package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients, credentials, revision, snapshot and cache; run on every backend by the subclasses. */
abstract class CredentialStoreContract extends StoreTestBase {
  CredentialStore store;

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  // ---- clients ----

  @Test
  void createsFindsAndListsClients() {
    ClientRecord sendbird = store.createClient("sendbird-prod", "sendbird");
    ClientRecord asapp = store.createClient("asapp", "asapp");

    assertThat(sendbird.id()).startsWith("cl_");
    assertThat(sendbird.enabled()).isTrue();
    assertThat(sendbird.createdAt()).isEqualTo(START);
    assertThat(store.findClient(sendbird.id())).contains(sendbird);
    assertThat(store.findClient("sendbird-prod")).contains(sendbird);
    assertThat(store.findClient("nope")).isEmpty();
    assertThat(store.listClients()).containsExactly(asapp, sendbird); // by name
  }

  @Test
  void duplicateClientNameIsAConflict() {
    store.createClient("sendbird-prod", "sendbird");
    long revision = store.revision();

    assertThatThrownBy(() -> store.createClient("sendbird-prod", "other"))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("'sendbird-prod' already exists");
    assertThat(store.listClients()).hasSize(1);
    assertThat(store.revision()).as("failed change rolled back").isEqualTo(revision);
  }

  @Test
  void rejectsBlankClientNameAndPlatform() {
    assertThatThrownBy(() -> store.createClient(" ", "sendbird")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createClient("x", null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void enablesAndDisablesClients() {
    ClientRecord client = store.createClient("c", "sendbird");

    assertThat(store.setClientEnabled(client.id(), false).enabled()).isFalse();
    assertThat(store.findClient(client.id()).orElseThrow().enabled()).isFalse();
    assertThat(store.setClientEnabled(client.id(), true).enabled()).isTrue();
    assertThatThrownBy(() -> store.setClientEnabled("cl_missing", false))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("cl_missing");
  }

  @Test
  void creatingOrListingForAnUnknownClientIsNotFound() {
    long revision = store.revision();
    assertThatThrownBy(() -> store.addSigningSecret("cl_missing", new byte[] {1}, null)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.createStaticToken("cl_missing", null)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.createApiKey("cl_missing", Set.of("t"), null)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.listSigningSecrets("cl_missing")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.listStaticTokens("cl_missing")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.listApiKeys("cl_missing")).isInstanceOf(NotFoundException.class);
    assertThat(store.revision()).isEqualTo(revision);
  }

  // ---- signing secrets ----

  @Test
  void addsListsAndRevokesSigningSecrets() {
    ClientRecord client = store.createClient("c", "sendbird");
    byte[] value = "master-api-token".getBytes(StandardCharsets.UTF_8);
    Instant expires = START.plus(Duration.ofDays(90));

    SigningSecret added = store.addSigningSecret(client.id(), value, expires);

    assertThat(added.id()).startsWith("sec_");
    assertThat(added.key()).isEqualTo(value);
    assertThat(added.expiresAt()).isEqualTo(expires);
    assertThat(store.listSigningSecrets(client.id()))
        .singleElement()
        .satisfies(listed -> {
          assertThat(listed.id()).isEqualTo(added.id());
          assertThat(listed.key()).as("listing does not decrypt").isNull();
          assertThat(listed.createdAt()).isEqualTo(START);
          assertThat(listed.expiresAt()).isEqualTo(expires);
          assertThat(listed.revokedAt()).isNull();
        });

    clock.advance(Duration.ofMinutes(1));
    assertThat(store.revokeSigningSecret(added.id())).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.revokeSigningSecret(added.id())).as("second revoke is a no-op").isFalse();
    assertThat(store.listSigningSecrets(client.id()).get(0).revokedAt()).isEqualTo(START.plus(Duration.ofMinutes(1)));
    assertThatThrownBy(() -> store.revokeSigningSecret("sec_missing")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void rejectsEmptySigningSecretsAndPastExpiry() {
    ClientRecord client = store.createClient("c", "sendbird");
    assertThatThrownBy(() -> store.addSigningSecret(client.id(), new byte[0], null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.addSigningSecret(client.id(), new byte[] {1}, START)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createStaticToken(client.id(), START.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTestCallSignsWithTheNewestSecretInUseElseTheNewestOfAll() {
    ClientRecord client = store.createClient("c", "sendbird");
    assertThat(store.newestSigningSecret(client.id())).isEmpty();
    SigningSecret older = store.addSigningSecret(client.id(), "older".getBytes(StandardCharsets.UTF_8), null);
    clock.advance(Duration.ofMinutes(1));
    SigningSecret newer = store.addSigningSecret(client.id(), "newer".getBytes(StandardCharsets.UTF_8), null);
    clock.advance(Duration.ofMinutes(1));
    // A Standard Webhooks public key is known to anyone: never an HMAC key, however new.
    store.addSigningSecret(client.id(), ("whpk_" + java.util.Base64.getEncoder().encodeToString(new byte[32])).getBytes(StandardCharsets.UTF_8), null);

    SigningSecret chosen = store.newestSigningSecret(client.id()).orElseThrow();
    assertThat(chosen.id()).isEqualTo(newer.id());
    assertThat(new String(chosen.key(), StandardCharsets.UTF_8)).as("decrypted").isEqualTo("newer");
    store.revokeSigningSecret(newer.id());
    assertThat(store.newestSigningSecret(client.id()).orElseThrow().id()).isEqualTo(older.id());
    store.revokeSigningSecret(older.id());
    assertThat(store.newestSigningSecret(client.id()).orElseThrow().id()).as("none in use: the newest, to show the refusal").isEqualTo(newer.id());
    assertThatThrownBy(() -> store.newestSigningSecret("cl_missing")).isInstanceOf(NotFoundException.class);
  }

  // ---- static tokens ----

  @Test
  void createsListsAndRevokesStaticTokens() {
    ClientRecord a = store.createClient("a", "sendbird");
    ClientRecord b = store.createClient("b", "asapp");

    IssuedSecret<StaticToken> issued = store.createStaticToken(a.id(), null);
    IssuedSecret<StaticToken> other = store.createStaticToken(b.id(), START.plus(Duration.ofDays(1)));

    assertThat(issued.plaintext()).startsWith(SecretGenerator.STATIC_TOKEN_PREFIX);
    assertThat(issued.toString()).doesNotContain(issued.plaintext());
    StaticToken token = issued.record();
    assertThat(token.id()).startsWith("tok_");
    assertThat(token.digest()).isEqualTo(SecretDigest.of(issued.plaintext()));
    assertThat(store.listStaticTokens(a.id())).containsExactly(token);
    assertThat(store.listStaticTokens(null)).containsExactlyInAnyOrder(token, other.record());

    assertThat(store.revokeStaticToken(token.id())).isTrue();
    clock.advance(Duration.ofHours(1));
    assertThat(store.revokeStaticToken(token.id())).isFalse();
    assertThat(store.listStaticTokens(a.id()).get(0).revokedAt()).as("first revocation kept").isEqualTo(START);
    assertThatThrownBy(() -> store.revokeStaticToken("tok_missing")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void rotationKeepsTheOldTokenValidForTheOverlap() {
    ClientRecord client = store.createClient("c", "sendbird");
    IssuedSecret<StaticToken> old = store.createStaticToken(client.id(), null);
    clock.advance(Duration.ofMinutes(5));
    Instant rotatedAt = clock.instant();

    IssuedSecret<StaticToken> fresh = store.rotateStaticToken(old.record().id(), Duration.ofHours(24));

    assertThat(fresh.record().clientId()).isEqualTo(client.id());
    assertThat(fresh.record().id()).isNotEqualTo(old.record().id());
    assertThat(fresh.plaintext()).isNotEqualTo(old.plaintext());
    assertThat(fresh.record().expiresAt()).isNull();
    StaticToken oldNow = store.listStaticTokens(client.id()).stream()
        .filter(t -> t.id().equals(old.record().id())).findFirst().orElseThrow();
    assertThat(oldNow.expiresAt()).isEqualTo(rotatedAt.plus(Duration.ofHours(24)));

    // Both valid during the overlap, only the new one after it.
    Instant during = rotatedAt.plus(Duration.ofHours(23));
    Instant after = rotatedAt.plus(Duration.ofHours(24));
    assertThat(oldNow.expiredAt(during)).isFalse();
    assertThat(fresh.record().expiredAt(during)).isFalse();
    assertThat(oldNow.expiredAt(after)).isTrue();
    assertThat(fresh.record().expiredAt(after)).isFalse();
  }

  @Test
  void rotationNeverExtendsAnEarlierExpiryAndRefusesRevokedOrUnknownTokens() {
    ClientRecord client = store.createClient("c", "sendbird");
    Instant soon = START.plus(Duration.ofHours(1));
    IssuedSecret<StaticToken> expiringSoon = store.createStaticToken(client.id(), soon);

    store.rotateStaticToken(expiringSoon.record().id(), Duration.ofDays(7));

    assertThat(store.listStaticTokens(client.id()))
        .filteredOn(t -> t.id().equals(expiringSoon.record().id()))
        .singleElement()
        .extracting(StaticToken::expiresAt)
        .isEqualTo(soon);

    IssuedSecret<StaticToken> revoked = store.createStaticToken(client.id(), null);
    store.revokeStaticToken(revoked.record().id());
    assertThatThrownBy(() -> store.rotateStaticToken(revoked.record().id(), Duration.ofHours(1)))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("revoked");
    assertThatThrownBy(() -> store.rotateStaticToken("tok_missing", Duration.ofHours(1))).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.rotateStaticToken(revoked.record().id(), Duration.ofHours(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- API keys ----

  @Test
  void createsListsAndRevokesApiKeys() {
    ClientRecord a = store.createClient("a", "sendbird");
    ClientRecord b = store.createClient("b", "sendbird");

    IssuedSecret<ApiKey> issued = store.createApiKey(a.id(), Set.of("refund_order", "catalog_search"), null);
    IssuedSecret<ApiKey> all = store.createApiKey(b.id(), Set.of(ApiKey.ALL_TOOLS), START.plus(Duration.ofDays(30)));

    ApiKey key = issued.record();
    assertThat(key.id()).startsWith("key_");
    assertThat(issued.plaintext()).startsWith(SecretGenerator.API_KEY_PREFIX);
    assertThat(key.digest()).isEqualTo(SecretDigest.of(issued.plaintext()));
    assertThat(store.listApiKeys(a.id())).singleElement().satisfies(listed -> {
      assertThat(listed).isEqualTo(key);
      assertThat(listed.tools()).containsExactlyInAnyOrder("refund_order", "catalog_search");
      assertThat(listed.allows("refund_order")).isTrue();
      assertThat(listed.allows("delete_account")).isFalse();
    });
    assertThat(store.listApiKeys(null)).containsExactlyInAnyOrder(key, all.record());
    assertThat(store.listApiKeys(b.id()).get(0).allows("anything")).isTrue();

    assertThat(store.revokeApiKey(key.id())).isTrue();
    assertThat(store.revokeApiKey(key.id())).isFalse();
    assertThat(store.listApiKeys(a.id()).get(0).revokedAt()).isEqualTo(START);
    assertThatThrownBy(() -> store.revokeApiKey("key_missing")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void apiKeyRotationKeepsTheToolsAndTheOldKeyValidForTheOverlap() {
    ClientRecord client = store.createClient("c", "sendbird");
    IssuedSecret<ApiKey> old = store.createApiKey(client.id(), Set.of("refund_order", "catalog_search"), null);
    clock.advance(Duration.ofMinutes(5));
    Instant rotatedAt = clock.instant();
    long revision = store.revision();

    IssuedSecret<ApiKey> fresh = store.rotateApiKey(old.record().id(), Duration.ofHours(24), START.plus(Duration.ofDays(90)));

    assertThat(store.revision()).isGreaterThan(revision);
    assertThat(fresh.plaintext()).startsWith(SecretGenerator.API_KEY_PREFIX).isNotEqualTo(old.plaintext());
    ApiKey key = fresh.record();
    assertThat(key.id()).startsWith("key_").isNotEqualTo(old.record().id());
    assertThat(key.clientId()).isEqualTo(client.id());
    assertThat(key.tools()).isEqualTo(Set.of("refund_order", "catalog_search"));
    assertThat(key.digest()).isEqualTo(SecretDigest.of(fresh.plaintext()));
    assertThat(key.createdAt()).isEqualTo(rotatedAt);
    assertThat(key.expiresAt()).isEqualTo(START.plus(Duration.ofDays(90)));
    assertThat(store.findApiKey(key.id())).contains(key);
    ApiKey oldNow = store.findApiKey(old.record().id()).orElseThrow();
    assertThat(oldNow.expiresAt()).isEqualTo(rotatedAt.plus(Duration.ofHours(24)));
    assertThat(oldNow.revokedAt()).isNull();
    assertThat(oldNow.expiredAt(rotatedAt.plus(Duration.ofHours(23)))).isFalse();
    assertThat(oldNow.expiredAt(rotatedAt.plus(Duration.ofHours(24)))).isTrue();
    assertThat(store.listApiKeys(client.id())).hasSize(2);

    // The snapshot the hot path reads has both, so both work during the overlap.
    assertThat(store.loadSnapshot().apiKeys()).extracting(ApiKey::digest)
        .containsExactlyInAnyOrder(SecretDigest.of(old.plaintext()), SecretDigest.of(fresh.plaintext()));

    // Zero ends the old key now; without an expiry the new key never expires.
    IssuedSecret<ApiKey> third = store.rotateApiKey(key.id(), Duration.ZERO);
    assertThat(store.findApiKey(key.id()).orElseThrow().expiredAt(clock.instant())).isTrue();
    assertThat(third.record().expiresAt()).isNull();
    assertThat(third.record().tools()).isEqualTo(key.tools());
  }

  @Test
  void apiKeyRotationNeverExtendsAnEarlierExpiryAndRefusesRevokedOrUnknownKeys() {
    ClientRecord client = store.createClient("c", "sendbird");
    Instant soon = START.plus(Duration.ofHours(1));
    IssuedSecret<ApiKey> expiringSoon = store.createApiKey(client.id(), Set.of(ApiKey.ALL_TOOLS), soon);

    store.rotateApiKey(expiringSoon.record().id(), Duration.ofDays(7));
    assertThat(store.findApiKey(expiringSoon.record().id()).orElseThrow().expiresAt()).isEqualTo(soon);

    IssuedSecret<ApiKey> revoked = store.createApiKey(client.id(), Set.of("t"), null);
    store.revokeApiKey(revoked.record().id());
    long revision = store.revision();
    int keys = store.listApiKeys(null).size();
    assertThatThrownBy(() -> store.rotateApiKey(revoked.record().id(), Duration.ofHours(1)))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("revoked");
    assertThatThrownBy(() -> store.rotateApiKey("key_missing", Duration.ofHours(1)))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("key_missing");
    assertThatThrownBy(() -> store.rotateApiKey(expiringSoon.record().id(), Duration.ofHours(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.rotateApiKey(expiringSoon.record().id(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.rotateApiKey(expiringSoon.record().id(), Duration.ZERO, START))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.listApiKeys(null)).as("failed rotations changed nothing").hasSize(keys);
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void credentialsAreFoundByIdWithoutTheirValues() {
    ClientRecord client = store.createClient("c", "sendbird");
    SigningSecret secret = store.addSigningSecret(client.id(), "platform-secret".getBytes(StandardCharsets.UTF_8), null);
    IssuedSecret<StaticToken> token = store.createStaticToken(client.id(), null);
    IssuedSecret<ApiKey> key = store.createApiKey(client.id(), Set.of("t"), null);

    SigningSecret found = store.findSigningSecret(secret.id()).orElseThrow();
    assertThat(found.key()).as("finding does not decrypt").isNull();
    assertThat(found.id()).isEqualTo(secret.id());
    assertThat(found.clientId()).isEqualTo(client.id());
    assertThat(found.createdAt()).isEqualTo(START);
    assertThat(store.findStaticToken(token.record().id())).contains(token.record());
    assertThat(store.findApiKey(key.record().id())).contains(key.record());
    assertThat(store.findSigningSecret("sec_missing")).isEmpty();
    assertThat(store.findStaticToken("tok_missing")).isEmpty();
    assertThat(store.findApiKey("key_missing")).isEmpty();
    // Ids of one kind are not found as another.
    assertThat(store.findApiKey(token.record().id())).isEmpty();
  }

  @Test
  void signingSecretsOfEveryClientAreListedWithoutAClient() {
    ClientRecord a = store.createClient("a", "sendbird");
    ClientRecord b = store.createClient("b", "sendbird");
    SigningSecret sa = store.addSigningSecret(a.id(), new byte[] {1}, null);
    SigningSecret sb = store.addSigningSecret(b.id(), new byte[] {2}, null);

    assertThat(store.listSigningSecrets(null)).extracting(SigningSecret::id).containsExactlyInAnyOrder(sa.id(), sb.id());
    assertThat(store.listSigningSecrets(null)).allSatisfy(s -> assertThat(s.key()).isNull());
    assertThat(store.listSigningSecrets(b.id())).extracting(SigningSecret::id).containsExactly(sb.id());
  }

  @Test
  void apiKeysNeedToolNames() {
    ClientRecord client = store.createClient("c", "sendbird");
    assertThatThrownBy(() -> store.createApiKey(client.id(), Set.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one tool");
    assertThatThrownBy(() -> store.createApiKey(client.id(), Set.of("a,b"), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createApiKey(client.id(), Set.of(" "), null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.listApiKeys(client.id())).isEmpty();
  }

  // ---- revision, snapshot, last used ----

  @Test
  void everyChangeBumpsTheRevisionAndReadsDoNot() {
    long r0 = store.revision();
    ClientRecord client = store.createClient("c", "sendbird");
    long r1 = store.revision();
    SigningSecret secret = store.addSigningSecret(client.id(), new byte[] {1, 2, 3}, null);
    long r2 = store.revision();
    IssuedSecret<StaticToken> token = store.createStaticToken(client.id(), null);
    long r3 = store.revision();
    store.rotateStaticToken(token.record().id(), Duration.ofMinutes(1));
    long r4 = store.revision();
    IssuedSecret<ApiKey> key = store.createApiKey(client.id(), Set.of("t"), null);
    long r5 = store.revision();
    store.revokeSigningSecret(secret.id());
    long r6 = store.revision();
    store.revokeStaticToken(token.record().id());
    long r7 = store.revision();
    store.rotateApiKey(key.record().id(), Duration.ofMinutes(1));
    long r8 = store.revision();
    store.revokeApiKey(key.record().id());
    long r9 = store.revision();
    store.setClientEnabled(client.id(), false);
    long r10 = store.revision();

    assertThat(new long[] {r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10}).isSorted().doesNotHaveDuplicates();

    store.listClients();
    store.listStaticTokens(null);
    store.listSigningSecrets(null);
    store.findSigningSecret(secret.id());
    store.findStaticToken(token.record().id());
    store.findApiKey(key.record().id());
    store.loadSnapshot();
    store.touchLastUsed(Map.of(token.record().id(), START.plusSeconds(5)));
    assertThat(store.revision()).isEqualTo(r10);
  }

  @Test
  void snapshotHoldsEverythingTheHotPathNeeds() {
    ClientRecord client = store.createClient("c", "sendbird");
    byte[] value = "signing-key".getBytes(StandardCharsets.UTF_8);
    SigningSecret secret = store.addSigningSecret(client.id(), value, null);
    IssuedSecret<StaticToken> token = store.createStaticToken(client.id(), null);
    IssuedSecret<ApiKey> key = store.createApiKey(client.id(), Set.of("t"), null);
    store.revokeApiKey(key.record().id());

    Snapshot snapshot = store.loadSnapshot();

    assertThat(snapshot.revision()).isEqualTo(store.revision());
    assertThat(snapshot.clients()).containsExactly(client);
    assertThat(snapshot.signingSecrets()).singleElement().satisfies(s -> {
      assertThat(s.id()).isEqualTo(secret.id());
      assertThat(s.key()).as("decrypted").isEqualTo(value);
    });
    assertThat(snapshot.staticTokens()).containsExactly(token.record());
    assertThat(snapshot.apiKeys()).singleElement().satisfies(k -> assertThat(k.revokedAt()).isEqualTo(START));
    assertThat(snapshot.problems()).isEmpty();
  }

  @Test
  void lastUsedTimesOnlyMoveForward() {
    ClientRecord client = store.createClient("c", "sendbird");
    StaticToken token = store.createStaticToken(client.id(), null).record();
    ApiKey key = store.createApiKey(client.id(), Set.of("t"), null).record();
    Instant t1 = START.plusSeconds(10);
    Instant t2 = START.plusSeconds(20);

    store.touchLastUsed(Map.of(token.id(), t2, key.id(), t1, "tok_unknown", t1, "sec_ignored", t1));
    store.touchLastUsed(Map.of(token.id(), t1, key.id(), t2.plusNanos(999)));

    assertThat(store.listStaticTokens(null).get(0).lastUsedAt()).isEqualTo(t2);
    assertThat(store.listApiKeys(null).get(0).lastUsedAt()).as("stored to the millisecond").isEqualTo(t2);
    store.touchLastUsed(Map.of());
  }

  // ---- cache ----

  @Test
  void cacheAnswersFromMemoryAndReloadsOnlyWhenTheRevisionMoves() {
    ClientRecord sendbird = store.createClient("sb", "sendbird");
    ClientRecord asapp = store.createClient("as", "asapp");
    SigningSecret sbSecret = store.addSigningSecret(sendbird.id(), new byte[] {1}, null);
    SigningSecret asSecret = store.addSigningSecret(asapp.id(), new byte[] {2}, null);
    IssuedSecret<StaticToken> token = store.createStaticToken(sendbird.id(), null);
    IssuedSecret<ApiKey> key = store.createApiKey(asapp.id(), Set.of("t"), null);

    CredentialCache cache = new CredentialCache(store);

    assertThat(cache.revision()).isEqualTo(store.revision());
    assertThat(cache.client(sendbird.id())).contains(sendbird);
    assertThat(cache.staticTokenByDigest(SecretDigest.of(token.plaintext()))).contains(token.record());
    assertThat(cache.apiKeyByDigest(SecretDigest.of(key.plaintext()))).contains(key.record());
    assertThat(cache.staticTokenByDigest(SecretDigest.of("unknown"))).isEmpty();
    assertThat(cache.signingSecrets("sendbird")).extracting(SigningSecret::id).containsExactly(sbSecret.id());
    assertThat(cache.signingSecrets("sendbird").get(0).key()).isEqualTo(new byte[] {1});
    assertThat(cache.signingSecrets(null)).extracting(SigningSecret::id).containsExactlyInAnyOrder(sbSecret.id(), asSecret.id());
    assertThat(cache.signingSecrets("unknown-platform")).isEmpty();
    assertThat(cache.refreshIfChanged()).as("nothing changed").isFalse();

    // Changes by "another process": the cache keeps its view until it refreshes.
    store.revokeStaticToken(token.record().id());
    store.setClientEnabled(sendbird.id(), false);
    assertThat(cache.staticTokenByDigest(SecretDigest.of(token.plaintext())).orElseThrow().revokedAt()).isNull();

    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.revision()).isEqualTo(store.revision());
    assertThat(cache.staticTokenByDigest(SecretDigest.of(token.plaintext())))
        .as("revoked tokens stay, so the verifier can say why they fail")
        .hasValueSatisfying(t -> assertThat(t.revokedAt()).isNotNull());
    assertThat(cache.client(sendbird.id())).hasValueSatisfying(c -> assertThat(c.enabled()).isFalse());
    assertThat(cache.signingSecrets("sendbird")).as("disabled client's secrets left out").isEmpty();
    assertThat(cache.signingSecrets(null)).extracting(SigningSecret::id).containsExactly(asSecret.id());

    long before = cache.revision();
    cache.refresh();
    assertThat(cache.revision()).isEqualTo(before);
  }

  @Test
  void anAnnouncedRevocationNeedsNoReloadWhenItIsTheNextRevision() {
    ClientRecord client = store.createClient("sb", "sendbird");
    IssuedSecret<StaticToken> token = store.createStaticToken(client.id(), null);
    OAuthClientStore oauth = new OAuthClientStore(database, clock);
    CredentialCache cache = new CredentialCache(store);
    Instant exp = START.plus(Duration.ofHours(1));

    oauth.revokeToken("jti-1", null, exp); // announced as revision r+1 with its jti
    assertThat(cache.revokedAt("jti-1", store.revision())).as("confirmed by the store").isTrue();
    assertThat(cache.isRevoked("jti-1")).isTrue();
    assertThat(cache.revision()).as("up to date without a reload").isEqualTo(store.revision());
    assertThat(cache.refreshIfChanged()).isFalse();
    // Announced by someone else (NOTIFY needs no privilege): the store does not confirm it, nothing changes.
    assertThat(cache.revokedAt("never-revoked", store.revision() + 1)).isFalse();
    assertThat(cache.revokedAt("jti-1", store.revision() + 1)).as("a real revocation, at a revision it did not make").isFalse();
    assertThat(cache.isRevoked("never-revoked")).isFalse();
    assertThat(cache.revision()).isEqualTo(store.revision());

    store.revokeStaticToken(token.record().id()); // r+2: not a revocation of a jti, needs a reload
    oauth.revokeToken("jti-2", null, exp); // r+3
    cache.revokedAt("jti-2", store.revision());
    assertThat(cache.isRevoked("jti-2")).as("effective at once all the same").isTrue();
    assertThat(cache.revision()).as("r+2 not seen yet").isLessThan(store.revision());
    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.revision()).isEqualTo(store.revision());
    assertThat(cache.staticTokenByDigest(SecretDigest.of(token.plaintext())).orElseThrow().revokedAt()).isNotNull();
    assertThat(cache.isRevoked("jti-1")).isTrue();
    assertThat(cache.isRevoked("jti-2")).isTrue();
  }
}
