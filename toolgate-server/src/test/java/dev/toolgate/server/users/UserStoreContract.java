package dev.toolgate.server.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.store.StoreConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Users, platform users, session tokens and opaque ids; run on every backend by the subclasses. */
abstract class UserStoreContract {
  static final Instant START = Instant.parse("2026-03-01T09:00:00.250Z");
  static final String HASH = "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

  TestDb db;
  Database database;
  MutableClock clock;
  UserStore store;
  SecretBox box;

  abstract TestDb newDb();

  @BeforeEach
  void open() {
    db = newDb();
    database = db.database();
    clock = new MutableClock(START);
    store = new UserStore(database, clock);
    box = new SecretBox(MasterKey.generate());
  }

  @AfterEach
  void close() {
    db.close();
  }

  // ---- users ----

  @Test
  void createsFindsAndListsUsers() {
    User bob = store.createUser("Bob", HASH);
    User alice = store.createUser("alice@example.com", HASH);

    assertThat(bob.id()).matches("usr_[0-9a-z]{12}");
    assertThat(bob.username()).as("stored lower-case").isEqualTo("bob");
    assertThat(bob.disabled()).isFalse();
    assertThat(bob.createdAt()).isEqualTo(START).isEqualTo(bob.passwordChangedAt());
    assertThat(store.findUser(bob.id())).contains(bob);
    assertThat(store.findUserByUsername("BOB")).contains(bob);
    assertThat(store.findUserByUsername(" bob ")).contains(bob);
    assertThat(store.findUserByUsername("nobody")).isEmpty();
    assertThat(store.findUserByUsername("not a valid name!")).isEmpty();
    assertThat(store.findUserByIdOrName(bob.id())).contains(bob);
    assertThat(store.findUserByIdOrName("Alice@example.com")).contains(alice);
    assertThat(store.listUsers()).containsExactly(alice, bob);
    assertThat(bob.toString()).doesNotContain(HASH).doesNotContain("argon2");
  }

  @Test
  void usernamesAreUniqueIgnoringCase() {
    store.createUser("carol", HASH);
    assertThatThrownBy(() -> store.createUser("CAROL", HASH))
        .isInstanceOf(StoreConflictException.class).hasMessageContaining("'carol' already exists");
    assertThat(store.listUsers()).hasSize(1);
  }

  @Test
  void rejectsInvalidUsernames() {
    for (String bad : new String[] {"", " ", "has space", "semi;colon", "x".repeat(129), "t\tab", "ünïcode"}) {
      assertThatThrownBy(() -> store.createUser(bad, HASH)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(store.listUsers()).isEmpty();
  }

  @Test
  void disablesEnablesAndSetsPasswords() {
    User dave = store.createUser("dave", HASH);
    assertThat(store.setUserDisabled(dave.id(), true).disabled()).isTrue();
    assertThat(store.findUser(dave.id()).orElseThrow().disabled()).isTrue();
    assertThat(store.setUserDisabled(dave.id(), false).disabled()).isFalse();

    clock.advance(Duration.ofHours(1));
    User changed = store.setPasswordHash(dave.id(), HASH + "x");
    assertThat(changed.passwordHash()).isEqualTo(HASH + "x");
    assertThat(changed.passwordChangedAt()).isEqualTo(START.plus(Duration.ofHours(1)));

    assertThatThrownBy(() -> store.setUserDisabled("usr_nope", true)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.setPasswordHash("usr_nope", HASH)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void upgradesAHashOnlyIfThePasswordDidNotChangeMeanwhile() {
    User erin = store.createUser("erin", HASH);
    clock.advance(Duration.ofMinutes(5));
    assertThat(store.upgradePasswordHash(erin.id(), HASH, "new")).isTrue();
    User upgraded = store.findUser(erin.id()).orElseThrow();
    assertThat(upgraded.passwordHash()).isEqualTo("new");
    assertThat(upgraded.passwordChangedAt()).as("an upgrade is not a password change").isEqualTo(START);
    assertThat(store.upgradePasswordHash(erin.id(), HASH, "other")).isFalse();
    assertThat(store.findUser(erin.id()).orElseThrow().passwordHash()).isEqualTo("new");
  }

  // ---- platform users ----

  @Test
  void mapsPlatformUsers() {
    User frank = store.createUser("frank", HASH);
    PlatformUser mapped = store.mapPlatformUser("sendbird", "sb-frank", "Frank");
    assertThat(mapped).isEqualTo(new PlatformUser("sendbird", "sb-frank", frank.id(), START));
    assertThat(store.findPlatformUser("sendbird", "sb-frank")).contains(mapped);
    assertThat(store.findPlatformUser("other", "sb-frank")).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    assertThat(store.mapPlatformUser("sendbird", "sb-frank", "frank")).as("again: the same mapping").isEqualTo(mapped);
    PlatformUser elsewhere = store.mapPlatformUser("asapp", "frank-on-asapp", "frank");
    assertThat(store.listPlatformUsers(frank.id())).containsExactly(elsewhere, mapped);
  }

  @Test
  void refusesConflictingOrDanglingMappings() {
    store.createUser("gina", HASH);
    store.createUser("hank", HASH);
    store.mapPlatformUser("sendbird", "sb-1", "gina");

    assertThatThrownBy(() -> store.mapPlatformUser("sendbird", "sb-1", "hank"))
        .isInstanceOf(StoreConflictException.class).hasMessageContaining("already mapped to another user");
    assertThatThrownBy(() -> store.mapPlatformUser("sendbird", "sb-2", "gina"))
        .isInstanceOf(StoreConflictException.class).hasMessageContaining("already has another user_id");
    assertThatThrownBy(() -> store.mapPlatformUser("sendbird", "sb-3", "nobody"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no user named 'nobody'");
    assertThatThrownBy(() -> store.mapPlatformUser("Send Bird", "sb-3", "gina")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.mapPlatformUser("sendbird", " padded", "gina")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.mapPlatformUser("sendbird", "x".repeat(129), "gina")).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.findPlatformUser("sendbird", "sb-1").orElseThrow().userId())
        .isEqualTo(store.findUserByUsername("gina").orElseThrow().id());
  }

  // ---- session tokens ----

  @Test
  void sessionTokensDefaultToSevenDaysAndAreStoredAsDigests() {
    User ivy = store.createUser("ivy", HASH);
    store.mapPlatformUser("sendbird", "sb-ivy", "ivy");

    IssuedSecret<SessionToken> issued = store.createSessionToken("sendbird", "sb-ivy", null);
    SessionToken token = issued.record();
    assertThat(issued.plaintext()).startsWith("tgu_").hasSize(4 + 43);
    assertThat(token.id()).matches("sess_[0-9a-z]{12}");
    assertThat(token.userId()).isEqualTo(ivy.id());
    assertThat(token.platform()).isEqualTo("sendbird");
    assertThat(token.createdAt()).isEqualTo(START);
    assertThat(token.expiresAt()).isEqualTo(START.plus(Duration.ofDays(7)));
    assertThat(token.digest()).isEqualTo(SecretDigest.of(issued.plaintext()));
    assertThat(token.activeAt(START)).isTrue();
    assertThat(TestDb.cells(database, "session_tokens")).doesNotContain(issued.plaintext());
    assertThat(store.findSessionTokenByValue(issued.plaintext())).contains(token);
    assertThat(store.findSessionTokenByValue(issued.plaintext() + "x")).isEmpty();
    assertThat(store.findSessionTokenByValue("garbage")).isEmpty();
    assertThat(issued.toString()).doesNotContain(issued.plaintext());
  }

  @Test
  void sessionTokenExpiryMustBeFutureAndWithinAYear() {
    store.createUser("jack", HASH);
    store.mapPlatformUser("sendbird", "sb-jack", "jack");

    Instant inAnHour = START.plus(Duration.ofHours(1));
    assertThat(store.createSessionToken("sendbird", "sb-jack", inAnHour).record().expiresAt()).isEqualTo(inAnHour);
    Instant inAYear = START.plus(Duration.ofDays(365));
    assertThat(store.createSessionToken("sendbird", "sb-jack", inAYear).record().expiresAt()).isEqualTo(inAYear);

    assertThatThrownBy(() -> store.createSessionToken("sendbird", "sb-jack", START.minusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the future");
    assertThatThrownBy(() -> store.createSessionToken("sendbird", "sb-jack", START))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createSessionToken("sendbird", "sb-jack", inAYear.plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("365 days");
    assertThatThrownBy(() -> store.createSessionToken("sendbird", "sb-nobody", null))
        .isInstanceOf(NotFoundException.class);
    assertThat(store.listSessionTokens("sendbird", "sb-jack")).hasSize(2);
  }

  @Test
  void listsAndRevokesOneOrAllSessionTokens() {
    store.createUser("kim", HASH);
    store.createUser("lee", HASH);
    store.mapPlatformUser("sendbird", "sb-kim", "kim");
    store.mapPlatformUser("sendbird", "sb-lee", "lee");
    SessionToken first = store.createSessionToken("sendbird", "sb-kim", null).record();
    clock.advance(Duration.ofSeconds(1));
    SessionToken second = store.createSessionToken("sendbird", "sb-kim", null).record();
    clock.advance(Duration.ofSeconds(1));
    SessionToken third = store.createSessionToken("sendbird", "sb-kim", null).record();
    SessionToken lees = store.createSessionToken("sendbird", "sb-lee", null).record();

    assertThat(store.listSessionTokens("sendbird", "sb-kim")).extracting(SessionToken::id)
        .containsExactly(first.id(), second.id(), third.id());

    clock.advance(Duration.ofMinutes(1));
    Instant revokedAt = clock.instant();
    assertThat(store.revokeSessionToken("sendbird", "sb-kim", first.id())).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.revokeSessionToken("sendbird", "sb-kim", first.id())).as("already revoked").isFalse();
    assertThat(store.listSessionTokens("sendbird", "sb-kim").get(0).revokedAt()).as("first revocation kept").isEqualTo(revokedAt);
    assertThatThrownBy(() -> store.revokeSessionToken("sendbird", "sb-kim", lees.id()))
        .as("another user's token").isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.revokeSessionToken("sendbird", "sb-kim", "sess_nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.revokeSessionToken("sendbird", "sb-nobody", first.id())).isInstanceOf(NotFoundException.class);

    assertThat(store.revokeAllSessionTokens("sendbird", "sb-kim")).isEqualTo(2);
    assertThat(store.revokeAllSessionTokens("sendbird", "sb-kim")).isZero();
    assertThat(store.listSessionTokens("sendbird", "sb-kim")).allSatisfy(t -> assertThat(t.revokedAt()).isNotNull());
    assertThat(store.listSessionTokens("sendbird", "sb-lee")).singleElement()
        .satisfies(t -> assertThat(t.revokedAt()).as("other users untouched").isNull());
    assertThatThrownBy(() -> store.revokeAllSessionTokens("sendbird", "sb-nobody")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.listSessionTokens("sendbird", "sb-nobody")).isInstanceOf(NotFoundException.class);

    assertThat(store.revokeSessionToken(lees.id())).isTrue();
    assertThat(store.revokeSessionToken(lees.id())).isFalse();
    assertThatThrownBy(() -> store.revokeSessionToken("sess_nope")).isInstanceOf(NotFoundException.class);
  }

  // ---- opaque ids ----

  @Test
  void opaqueIdsAreStableDistinctOpaqueAndResolvable() {
    User mia = store.createUser("mia.smith@example.com", HASH);
    User ned = store.createUser("nedkelly", HASH);
    OpaqueIds ids = new OpaqueIds(database, box, clock);

    String miaAsapp = ids.idFor("asapp", mia.id());
    assertThat(miaAsapp).matches("oc1_[A-Za-z0-9_-]{32}");
    assertThat(ids.idFor("asapp", mia.id())).isEqualTo(miaAsapp);
    assertThat(new OpaqueIds(database, box, clock).idFor("asapp", mia.id()))
        .as("another instance (fresh caches) gives the same id").isEqualTo(miaAsapp);
    String miaSendbird = ids.idFor("sendbird", mia.id());
    String nedAsapp = ids.idFor("asapp", ned.id());
    assertThat(Set.of(miaAsapp, miaSendbird, nedAsapp)).hasSize(3);

    for (String id : List.of(miaAsapp, miaSendbird, nedAsapp)) {
      // Name parts of five letters or more: a random id holds a given three-letter run now and then.
      assertThat(id).doesNotContainIgnoringCase("smith").doesNotContainIgnoringCase("example").doesNotContainIgnoringCase("nedkelly")
          .doesNotContain(mia.id().substring(4)).doesNotContain(ned.id().substring(4));
    }

    assertThat(ids.resolve(miaAsapp)).contains(new OpaqueIds.OpaqueId(miaAsapp, "asapp", mia.id(), 1));
    assertThat(new OpaqueIds(database, box, clock).resolve(nedAsapp).orElseThrow().userId()).isEqualTo(ned.id());
    assertThat(ids.resolve("oc1_" + "A".repeat(32))).isEmpty();
    assertThat(ids.resolve("garbage")).isEmpty();
    assertThat(ids.resolve(null)).isEmpty();
    assertThatThrownBy(() -> ids.idFor("asapp", "usr_nobody")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void opaqueIdKeyIsSealedAndGeneratedOnce() {
    User oz = store.createUser("oz", HASH);
    assertThat(new OpaqueIds(database, box, clock).keys()).isEmpty();
    String id = new OpaqueIds(database, box, clock).idFor("asapp", oz.id());
    new OpaqueIds(database, box, clock).idFor("sendbird", oz.id());

    List<OpaqueIds.KeyInfo> keys = new OpaqueIds(database, box, clock).keys();
    assertThat(keys).containsExactly(new OpaqueIds.KeyInfo(1, box.keyId(), START, true));
    // Stored sealed (nonce 12 + key 32 + GCM tag 16 bytes), and opening it gives the key the id was made with.
    List<String> cells = TestDb.cells(database, "opaque_id_keys");
    assertThat(cells).contains(box.keyId());
    String sealed = cells.get(2);
    assertThat(java.util.Base64.getDecoder().decode(sealed)).hasSize(12 + 32 + 16);
    byte[] key = box.open("opaque_id_key:1", new SecretBox.Sealed(box.keyId(), sealed));
    assertThat(OpaqueIds.compute(key, 1, "asapp", oz.id())).isEqualTo(id);
  }

  @Test
  void keyRotationKeepsOldIdsStableAndResolvable() {
    User pam = store.createUser("pam", HASH);
    User quinn = store.createUser("quinn", HASH);
    OpaqueIds ids = new OpaqueIds(database, box, clock);
    String pamBefore = ids.idFor("asapp", pam.id());

    clock.advance(Duration.ofDays(1));
    assertThat(ids.rotateKey()).isEqualTo(2);
    OpaqueIds fresh = new OpaqueIds(database, box, clock);
    String quinnAfter = fresh.idFor("asapp", quinn.id());

    assertThat(pamBefore).startsWith("oc1_");
    assertThat(quinnAfter).as("new pairs use the new key").startsWith("oc2_");
    assertThat(fresh.idFor("asapp", pam.id())).as("existing ids stay the same").isEqualTo(pamBefore);
    assertThat(fresh.resolve(pamBefore).orElseThrow().userId()).isEqualTo(pam.id());
    assertThat(fresh.resolve(quinnAfter).orElseThrow().userId()).isEqualTo(quinn.id());
    assertThat(fresh.keys()).extracting(OpaqueIds.KeyInfo::version, OpaqueIds.KeyInfo::active)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, true));
  }

  @Test
  void opaqueIdsAreAKeyedMacOfPlatformAndUser() {
    byte[] key = new byte[32];
    String a = OpaqueIds.compute(key, 1, "asapp", "usr_a");
    assertThat(OpaqueIds.compute(key, 1, "asapp", "usr_a")).isEqualTo(a);
    assertThat(OpaqueIds.compute(key, 1, "asapp", "usr_b")).isNotEqualTo(a);
    assertThat(OpaqueIds.compute(key, 1, "asap", "pusr_a")).as("separator keeps fields apart").isNotEqualTo(a);
    key[0] = 1;
    assertThat(OpaqueIds.compute(key, 1, "asapp", "usr_a")).isNotEqualTo(a);
    Set<String> many = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      many.add(OpaqueIds.compute(key, 1, "asapp", "usr_" + i));
    }
    assertThat(many).hasSize(2000);
  }
}
