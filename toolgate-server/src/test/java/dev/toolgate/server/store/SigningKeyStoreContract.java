package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signing keys: first-start generation, rotation, the ring over time, purge, master key; every backend. */
abstract class SigningKeyStoreContract extends StoreTestBase {
  static final Duration HOUR = Duration.ofHours(1);

  SigningKeyStore keys;
  CredentialStore store;

  @BeforeEach
  void createStores() {
    keys = newSigningKeys();
    store = newStore();
  }

  @Test
  void theFirstLoadGeneratesAnActiveRs256KeyAndLaterLoadsReuseIt() {
    long r0 = store.revision();

    KeyRing first = keys.loadKeyRing(HOUR);

    SigningKey active = first.active();
    assertThat(active.kid()).startsWith("kid_");
    assertThat(active.algorithm()).isEqualTo(SigningAlgorithm.RS256);
    assertThat(active.createdAt()).isEqualTo(START);
    assertThat(active.retiredAt()).isNull();
    assertThat(active.privateJwk().getKeyID()).isEqualTo(active.kid());
    assertThat(active.privateJwk().getAlgorithm().getName()).isEqualTo("RS256");
    assertThat(first.publicJwkSet().getKeys()).containsExactly(active.publicJwk());
    assertThat(store.revision()).as("creating the key is a change").isGreaterThan(r0);

    long r1 = store.revision();
    KeyRing again = keys.loadKeyRing(HOUR);
    assertThat(again.active().kid()).isEqualTo(active.kid());
    assertThat(again.active().privateJwk()).isEqualTo(active.privateJwk());
    assertThat(store.revision()).as("loading an existing ring changes nothing").isEqualTo(r1);
    assertThat(keys.list(HOUR)).singleElement().satisfies(info -> {
      assertThat(info.kid()).isEqualTo(active.kid());
      assertThat(info.state()).isEqualTo(SigningKeyInfo.State.ACTIVE);
      assertThat(info.activatedAt()).isEqualTo(START);
      assertThat(info.masterKeyId()).isEqualTo(masterKey.id());
    });
  }

  @Test
  void rotationActivatesANewKeyAndTheRingKeepsRetiredKeysForTheTokenLifetime() {
    SigningKey k1 = keys.loadKeyRing(HOUR).active();
    clock.advance(Duration.ofMinutes(10));
    Instant rotatedAt = clock.instant();

    SigningKey k2 = keys.rotate(SigningAlgorithm.ES256);

    assertThat(k2.algorithm()).isEqualTo(SigningAlgorithm.ES256);
    assertThat(k2.kid()).isNotEqualTo(k1.kid());
    KeyRing ring = keys.loadKeyRing(HOUR);
    assertThat(ring.active().kid()).isEqualTo(k2.kid());
    assertThat(ring.key(k1.kid())).as("old tokens still verify").hasValueSatisfying(k -> assertThat(k.retiredAt()).isEqualTo(rotatedAt));
    assertThat(ring.publicJwkSet().getKeys()).extracting(JWK::getKeyID).containsExactlyInAnyOrder(k1.kid(), k2.kid());

    clock.advance(Duration.ofMinutes(59));
    assertThat(keys.loadKeyRing(HOUR).key(k1.kid())).as("retired 59 minutes ago").isPresent();
    assertThat(keys.list(HOUR)).extracting(SigningKeyInfo::kid, SigningKeyInfo::state).containsExactly(
        org.assertj.core.groups.Tuple.tuple(k2.kid(), SigningKeyInfo.State.ACTIVE),
        org.assertj.core.groups.Tuple.tuple(k1.kid(), SigningKeyInfo.State.PUBLISHED));

    clock.advance(Duration.ofMinutes(1));
    KeyRing later = keys.loadKeyRing(HOUR);
    assertThat(later.key(k1.kid())).as("retired a full token lifetime ago").isEmpty();
    assertThat(later.publicJwkSet().getKeys()).extracting(JWK::getKeyID).containsExactly(k2.kid());
    assertThat(keys.list(HOUR)).filteredOn(i -> i.kid().equals(k1.kid())).singleElement()
        .satisfies(i -> {
          assertThat(i.state()).isEqualTo(SigningKeyInfo.State.EXPIRED);
          assertThat(i.retiredAt()).isEqualTo(rotatedAt);
        });
    assertThat(keys.list(Duration.ofHours(2))).as("state depends on the lifetime asked about")
        .filteredOn(i -> i.kid().equals(k1.kid())).extracting(SigningKeyInfo::state).containsExactly(SigningKeyInfo.State.PUBLISHED);
  }

  @Test
  void aRotationOnAnEmptyStoreJustCreatesTheActiveKey() {
    SigningKey key = keys.rotate(SigningAlgorithm.EDDSA);
    KeyRing ring = keys.loadKeyRing(HOUR);
    assertThat(ring.active().kid()).isEqualTo(key.kid());
    assertThat(ring.active().algorithm()).isEqualTo(SigningAlgorithm.EDDSA);
    assertThat(keys.list(HOUR)).hasSize(1);
  }

  @Test
  void everyAlgorithmSignsAndItsPublishedKeyVerifies() throws Exception {
    for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
      keys.rotate(algorithm);
      SigningKey key = keys.loadKeyRing(HOUR).active();
      assertThat(key.algorithm()).isEqualTo(algorithm);
      JWSObject jws = new JWSObject(new JWSHeader.Builder(algorithm.jws()).keyID(key.kid()).build(), new Payload("{\"sub\":\"x\"}"));
      jws.sign(signer(key.privateJwk()));
      JWK published = keys.loadKeyRing(HOUR).key(key.kid()).orElseThrow().publicJwk();
      assertThat(published.isPrivate()).isFalse();
      assertThat(JWSObject.parse(jws.serialize()).verify(verifier(published))).as("%s", algorithm).isTrue();
    }
  }

  @Test
  void aCreatedKeyIsPendingAndNeitherSignsNorIsPublished() {
    SigningKey active = keys.loadKeyRing(HOUR).active();
    long before = store.revision();

    SigningKey pending = keys.create(SigningAlgorithm.ES256);

    assertThat(store.revision()).isGreaterThan(before);
    assertThat(pending.retiredAt()).isNull();
    KeyRing ring = keys.loadKeyRing(HOUR);
    assertThat(ring.active().kid()).isEqualTo(active.kid());
    assertThat(ring.key(pending.kid())).isEmpty();
    assertThat(keys.list(HOUR)).filteredOn(i -> i.kid().equals(pending.kid())).singleElement()
        .satisfies(i -> {
          assertThat(i.state()).isEqualTo(SigningKeyInfo.State.PENDING);
          assertThat(i.activatedAt()).isNull();
          assertThat(i.algorithm()).isEqualTo(SigningAlgorithm.ES256);
        });
  }

  @Test
  void revokingARetiredKeyTakesItOutOfTheRingAtOnce() {
    SigningKey k1 = keys.loadKeyRing(HOUR).active();
    SigningKey k2 = keys.rotate(SigningAlgorithm.ES256);
    long before = store.revision();
    assertThat(keys.revoke(k1.kid(), SigningAlgorithm.RS256)).as("k1 was not active: nothing replaces it").isNull();
    assertThat(store.revision()).isGreaterThan(before);
    KeyRing ring = keys.loadKeyRing(HOUR);
    assertThat(ring.key(k1.kid())).isEmpty();
    assertThat(ring.active().kid()).isEqualTo(k2.kid());
    assertThat(ring.jwksJson()).doesNotContain(k1.kid());
    assertThat(keys.list(HOUR)).extracting(SigningKeyInfo::kid).containsExactly(k2.kid());
  }

  @Test
  void revokingTheActiveKeyActivatesANewOneInTheSameStep() {
    SigningKey k1 = keys.loadKeyRing(HOUR).active();
    SigningKey replacement = keys.revoke(k1.kid(), SigningAlgorithm.EDDSA);
    assertThat(replacement).isNotNull();
    assertThat(replacement.algorithm()).isEqualTo(SigningAlgorithm.EDDSA);
    KeyRing ring = keys.loadKeyRing(HOUR);
    assertThat(ring.active().kid()).isEqualTo(replacement.kid());
    assertThat(ring.key(k1.kid())).as("not even published as retired").isEmpty();
  }

  @Test
  void aRevocationSaysWhichKeyWentAndWhichReplacedIt() {
    SigningKey k1 = keys.loadKeyRing(HOUR).active();
    assertThat(keys.find(k1.kid(), HOUR)).get().extracting(SigningKeyInfo::state).isEqualTo(SigningKeyInfo.State.ACTIVE);
    clock.advance(Duration.ofMinutes(1));
    SigningKeyStore.Revocation done = keys.revokeKey(k1.kid(), SigningAlgorithm.ES256);
    assertThat(done.revoked().kid()).isEqualTo(k1.kid());
    assertThat(done.revoked().state()).isEqualTo(SigningKeyInfo.State.REVOKED);
    assertThat(done.revoked().algorithm()).isEqualTo(k1.algorithm());
    assertThat(done.revoked().activatedAt()).isEqualTo(START);
    assertThat(done.revoked().retiredAt()).as("retired by the revocation").isEqualTo(START.plus(Duration.ofMinutes(1)));
    assertThat(done.replacement().algorithm()).isEqualTo(SigningAlgorithm.ES256);
    assertThat(keys.find(k1.kid(), HOUR)).isEmpty();
    assertThat(keys.find(done.replacement().kid(), HOUR)).get().extracting(SigningKeyInfo::state).isEqualTo(SigningKeyInfo.State.ACTIVE);

    SigningKey k3 = keys.rotate(SigningAlgorithm.ES256);
    SigningKeyStore.Revocation retired = keys.revokeKey(done.replacement().kid(), SigningAlgorithm.ES256);
    assertThat(retired.replacement()).isNull();
    assertThat(retired.revoked().retiredAt()).as("its own retirement time").isEqualTo(START.plus(Duration.ofMinutes(1)));
    assertThat(keys.loadKeyRing(HOUR).active().kid()).isEqualTo(k3.kid());
  }

  @Test
  void revokingAnUnknownKidChangesNothing() {
    SigningKey k1 = keys.loadKeyRing(HOUR).active();
    long before = store.revision();
    assertThatThrownBy(() -> keys.revoke("kid_nope", SigningAlgorithm.RS256)).isInstanceOf(NotFoundException.class).hasMessageContaining("kid_nope");
    assertThat(store.revision()).isEqualTo(before);
    assertThat(keys.loadKeyRing(HOUR).active().kid()).isEqualTo(k1.kid());
    assertThat(keys.list(HOUR)).hasSize(1);
  }

  @Test
  void purgeDeletesOnlyKeysRetiredLongerThanTheLifetimeAgo() {
    SigningKey k1 = keys.loadKeyRing(HOUR).active();
    SigningKey k2 = keys.rotate(SigningAlgorithm.RS256);
    SigningKey pending = keys.create(SigningAlgorithm.RS256);
    clock.advance(Duration.ofMinutes(30));
    SigningKey k3 = keys.rotate(SigningAlgorithm.RS256);
    clock.advance(Duration.ofMinutes(30)); // k1 retired 60 min ago, k2 30 min ago

    long before = store.revision();
    assertThat(keys.purgeExpired(HOUR)).isEqualTo(1);
    assertThat(store.revision()).isGreaterThan(before);
    assertThat(keys.list(HOUR)).extracting(SigningKeyInfo::kid).containsExactlyInAnyOrder(k2.kid(), k3.kid(), pending.kid());
    assertThat(keys.list(HOUR)).extracting(SigningKeyInfo::kid).doesNotContain(k1.kid());

    long after = store.revision();
    assertThat(keys.purgeExpired(HOUR)).as("nothing left to purge").isZero();
    assertThat(store.revision()).as("a purge with nothing to delete is not a change").isEqualTo(after);

    clock.advance(Duration.ofDays(365));
    assertThat(keys.purgeExpired(HOUR)).isEqualTo(1);
    assertThat(keys.list(HOUR)).extracting(SigningKeyInfo::kid).containsExactlyInAnyOrder(k3.kid(), pending.kid());
    assertThat(keys.loadKeyRing(HOUR).active().kid()).isEqualTo(k3.kid());
  }

  @Test
  void everyKeyChangeBumpsTheRevisionAndReadsDoNot() {
    long r0 = store.revision();
    keys.loadKeyRing(HOUR);
    long r1 = store.revision();
    keys.rotate(SigningAlgorithm.ES256);
    long r2 = store.revision();
    keys.create(SigningAlgorithm.EDDSA);
    long r3 = store.revision();
    clock.advance(Duration.ofHours(2));
    keys.purgeExpired(HOUR);
    long r4 = store.revision();
    assertThat(new long[] {r0, r1, r2, r3, r4}).isSorted().doesNotHaveDuplicates();

    keys.loadKeyRing(HOUR);
    keys.list(HOUR);
    store.loadSnapshot(HOUR);
    assertThat(store.revision()).isEqualTo(r4);
  }

  @Test
  void twoProcessesStartingOnAnEmptyStoreCreateExactlyOneKey() throws Exception {
    SecretBox box = new SecretBox(masterKey);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 3; round++) {
        update(database, "DELETE FROM signing_keys");
        try (Database a = backend.open(); Database b = backend.open()) {
          List<SigningKeyStore> processes = List.of(
              new SigningKeyStore(a, box, clock), new SigningKeyStore(a, box, clock),
              new SigningKeyStore(b, box, clock), new SigningKeyStore(b, box, clock));
          CyclicBarrier start = new CyclicBarrier(processes.size());
          List<Future<KeyRing>> rings = new ArrayList<>();
          for (SigningKeyStore process : processes) {
            rings.add(pool.submit(() -> {
              start.await(10, TimeUnit.SECONDS);
              return process.loadKeyRing(HOUR);
            }));
          }
          Set<String> activeKids = new java.util.HashSet<>();
          for (Future<KeyRing> ring : rings) {
            activeKids.add(ring.get(60, TimeUnit.SECONDS).active().kid());
          }
          assertThat(activeKids).as("round %d", round).hasSize(1);
          assertThat(count(database, "SELECT COUNT(*) FROM signing_keys")).as("round %d", round).isEqualTo(1);
          assertThat(keys.list(HOUR)).extracting(SigningKeyInfo::kid).containsExactlyElementsOf(activeKids);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theDatabaseRefusesASecondActiveKey() {
    SigningKey active = keys.loadKeyRing(HOUR).active();
    assertThatThrownBy(() -> update(database,
            "INSERT INTO signing_keys (kid, algorithm, master_key_id, private_jwk, public_jwk, created_at, activated_at)"
                + " SELECT 'kid_second', algorithm, master_key_id, private_jwk, public_jwk, created_at, activated_at FROM signing_keys WHERE kid = ?",
            active.kid()))
        .hasRootCauseInstanceOf(java.sql.SQLException.class);
  }

  @Test
  void aWrongMasterKeyNeitherLoadsNorRotatesUnlessToldTo() {
    SigningKey active = keys.loadKeyRing(HOUR).active();
    MasterKey other = MasterKey.generate();
    SecretBox otherBox = new SecretBox(other);
    SigningKeyStore wrongKeys = new SigningKeyStore(database, otherBox, clock);
    CredentialStore wrongStore = new CredentialStore(database, otherBox, clock);
    long revision = store.revision();

    assertThatThrownBy(() -> wrongKeys.loadKeyRing(HOUR)).isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("signing key " + active.kid() + " was encrypted with master key " + masterKey.id());
    assertThatThrownBy(() -> wrongKeys.rotate(SigningAlgorithm.RS256)).isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("the active signing key " + active.kid() + " was encrypted with master key " + masterKey.id())
        .hasMessageContaining("the key in use is " + other.id())
        .hasMessageContaining("toolgate master-key reset --help");
    assertThat(store.revision()).as("refused rotation rolled back").isEqualTo(revision);
    assertThat(wrongKeys.list(HOUR)).as("listing needs no key").singleElement()
        .satisfies(i -> assertThat(i.masterKeyId()).isEqualTo(masterKey.id()));

    Snapshot snapshot = wrongStore.loadSnapshot(HOUR);
    assertThat(snapshot.keyRing()).isNull();
    assertThat(snapshot.problems()).singleElement().asString().contains("signing key " + active.kid() + " was encrypted with master key");
    assertThatThrownBy(() -> new CredentialCache(wrongStore, HOUR)).isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("signing key " + active.kid() + " was encrypted with master key " + masterKey.id());

    // The way out after losing the master key: a new key under the new master key.
    SigningKey replacement = wrongKeys.rotate(SigningAlgorithm.ES256, true);
    KeyRing ring = wrongKeys.loadKeyRing(HOUR);
    assertThat(ring.active().kid()).isEqualTo(replacement.kid());
    assertThat(ring.key(active.kid())).as("unreadable retired key left out").isEmpty();
    assertThatThrownBy(() -> keys.loadKeyRing(HOUR)).as("and now the old master key is the wrong one")
        .isInstanceOf(MasterKeyException.class).hasMessageContaining(replacement.kid());
  }

  @Test
  void rejectsNonPositiveLifetimes() {
    assertThatThrownBy(() -> keys.loadKeyRing(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.list(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.purgeExpired(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.loadSnapshot(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- snapshot and cache ----

  @Test
  void theFirstKeyHasTheConfiguredAlgorithm() {
    KeyRing ring = keys.loadKeyRing(HOUR, SigningAlgorithm.EDDSA);
    assertThat(ring.active().algorithm()).isEqualTo(SigningAlgorithm.EDDSA);
    assertThat(keys.loadKeyRing(HOUR, SigningAlgorithm.ES256).active().kid()).as("only for the first key").isEqualTo(ring.active().kid());
  }

  @Test
  void theCacheReadsTheRingAndFollowsRotations() {
    assertThatThrownBy(() -> new CredentialCache(store, HOUR)).as("the cache never creates keys")
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no active signing key");
    SigningKey first = keys.loadKeyRing(HOUR).active();
    CredentialCache cache = new CredentialCache(store, HOUR);
    assertThat(cache.keyRing().active().kid()).isEqualTo(first.kid());
    assertThat(cache.keyRing().active().privateJwk()).isEqualTo(first.privateJwk());
    assertThat(cache.revision()).isEqualTo(store.revision());

    // Another process rotates.
    SigningKey second = new SigningKeyStore(database, new SecretBox(masterKey), clock).rotate(SigningAlgorithm.EDDSA);
    assertThat(cache.keyRing().active().kid()).as("until refreshed").isEqualTo(first.kid());
    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.keyRing().active().kid()).isEqualTo(second.kid());
    assertThat(cache.keyRing().key(first.kid())).isPresent();
    assertThat(store.loadSnapshot(HOUR).keyRing().active().kid()).isEqualTo(second.kid());
    assertThat(store.loadSnapshot().keyRing()).as("loaded without keys").isNull();

    // The ring is rebuilt at each load: once the old key has aged out and anything changes, it is gone.
    clock.advance(HOUR);
    store.createClient("any-change", "sendbird");
    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.keyRing().key(first.kid())).isEmpty();
  }

  @Test
  void theCacheKeepsItsKeysWhenTheActiveKeyBecomesUnreadable() {
    keys.loadKeyRing(HOUR);
    CredentialCache cache = new CredentialCache(store, HOUR);
    SigningKey signing = cache.keyRing().active();

    // A process with another master key forces a rotation.
    new SigningKeyStore(database, new SecretBox(MasterKey.generate()), clock).rotate(SigningAlgorithm.RS256, true);

    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.keyRing().active().kid()).isEqualTo(signing.kid());
    assertThat(cache.problems()).anySatisfy(p -> assertThat(p).contains("was encrypted with master key"));
  }

  @Test
  void aCacheWithoutSigningKeysSaysSo() {
    CredentialCache cache = new CredentialCache(store);
    assertThatThrownBy(cache::keyRing).isInstanceOf(IllegalStateException.class).hasMessageContaining("without signing keys");
    assertThat(keys.list(HOUR)).as("and creates none").isEmpty();
  }

  private static JWSSigner signer(JWK key) throws JOSEException {
    return switch (key.getKeyType().getValue()) {
      case "RSA" -> new RSASSASigner(key.toRSAKey());
      case "EC" -> new ECDSASigner(key.toECKey());
      default -> new Ed25519Signer(key.toOctetKeyPair());
    };
  }

  private static JWSVerifier verifier(JWK key) throws JOSEException {
    return switch (key.getKeyType().getValue()) {
      case "RSA" -> new RSASSAVerifier(key.toRSAKey());
      case "EC" -> new ECDSAVerifier(key.toECKey());
      default -> new Ed25519Verifier(key.toOctetKeyPair());
    };
  }
}
