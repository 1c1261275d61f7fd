package dev.toolgate.server.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  /** Cheap parameters: the algorithm is the same, the cost is not. */
  static final PasswordHasher.Parameters CHEAP = new PasswordHasher.Parameters(256, 1, 1);
  static final PasswordHasher HASHER = new PasswordHasher(CHEAP);

  @Test
  void defaultsAreOwasp2023() {
    assertThat(PasswordHasher.Parameters.OWASP_2023).isEqualTo(new PasswordHasher.Parameters(19_456, 2, 1));
  }

  @Test
  void aNewHasherHoldsNoArgon2MemoryUntilItHashes() throws Exception {
    // password4j allocates an instance's whole memory (m KiB) when it makes it and keeps it for good:
    // a server that never logs a user in must not carry 19 MiB for it. m=4104 is used nowhere else.
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(4104, 1, 1));
    assertThat(password4jInstances()).noneMatch(uid -> uid.startsWith("4104|"));
    assertThat(hasher.verifyNothing("x")).isFalse();
    assertThat(password4jInstances()).anyMatch(uid -> uid.startsWith("4104|"));
  }

  static java.util.Set<String> password4jInstances() throws Exception {
    java.lang.reflect.Field instances = Argon2Function.class.getDeclaredField("INSTANCES");
    instances.setAccessible(true);
    return ((java.util.Map<?, ?>) instances.get(null)).keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void hashesAreArgon2idPhcStringsWithRandomSalt() {
    String hash = HASHER.hash("correct horse battery");
    assertThat(hash).matches("\\$argon2id\\$v=19\\$m=256,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(HASHER.hash("correct horse battery")).as("fresh salt each time").isNotEqualTo(hash);
    assertThat(hash).doesNotContain("correct");
  }

  @Test
  void verifiesTheRightPasswordOnly() {
    String hash = HASHER.hash("correct horse battery");
    assertThat(HASHER.verify("correct horse battery", hash)).isTrue();
    assertThat(HASHER.verify("correct horse batterY", hash)).isFalse();
    assertThat(HASHER.verify("", hash)).isFalse();
    String unicode = HASHER.hash("pässwörd-ü-日本語");
    assertThat(HASHER.verify("pässwörd-ü-日本語", unicode)).isTrue();
  }

  @Test
  void interoperatesWithPassword4jsOwnEncoding() {
    // A hash made by password4j's own API verifies here (and the other way round).
    String theirs = Argon2Function.getInstance(256, 1, 1, 32, Argon2.ID).hash("swordfish1").getResult();
    assertThat(HASHER.verify("swordfish1", theirs)).isTrue();
    String ours = HASHER.hash("swordfish1");
    assertThat(Argon2Function.getInstanceFromHash(ours).check("swordfish1", ours)).isTrue();
  }

  @Test
  void verifiesHashesMadeUnderOtherParametersAndSaysTheyNeedARehash() {
    PasswordHasher older = new PasswordHasher(new PasswordHasher.Parameters(128, 2, 1));
    String oldHash = older.hash("longpassword");
    assertThat(HASHER.verify("longpassword", oldHash)).isTrue();
    assertThat(HASHER.needsRehash(oldHash)).isTrue();
    assertThat(HASHER.needsRehash(HASHER.hash("longpassword"))).isFalse();
    assertThat(HASHER.needsRehash("$2a$10$bcrypt")).isTrue();
  }

  @Test
  void malformedStoredHashesNeverMatch() {
    assertThat(HASHER.verify("x", null)).isFalse();
    assertThat(HASHER.verify("x", "")).isFalse();
    assertThat(HASHER.verify("x", "plain-text-password")).isFalse();
    assertThat(HASHER.verify("x", "$argon2i$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")).isFalse();
    assertThat(HASHER.verify("x", "$argon2id$v=19$m=4,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")).isFalse();
  }

  @Test
  void theDummyCheckNeverMatches() {
    assertThat(HASHER.verifyNothing("anything")).isFalse();
    assertThat(HASHER.verifyNothing("")).isFalse();
  }

  @Test
  void rejectsNonsenseParameters() {
    assertThatThrownBy(() -> new PasswordHasher.Parameters(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Parameters(256, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Parameters(256, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Parameters(256, 1, 64)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void asyncVariantsRunOnWorkerThreads() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      String hash = HASHER.hash(vertx, "asynchronous").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(HASHER.verify(vertx, "asynchronous", hash).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void passwordPolicyIsEightTo128Characters() {
    assertThat(PasswordPolicy.require("12345678")).isEqualTo("12345678");
    assertThat(PasswordPolicy.require("x".repeat(128))).hasSize(128);
    assertThat(PasswordPolicy.require("日本語の長いパスワード")).isNotNull(); // 11 code points
    assertThatThrownBy(() -> PasswordPolicy.require("1234567")).hasMessageContaining("8-128 characters");
    assertThatThrownBy(() -> PasswordPolicy.require("x".repeat(129))).hasMessageContaining("8-128 characters");
    assertThatThrownBy(() -> PasswordPolicy.require(null)).hasMessageContaining("required");
    assertThatThrownBy(() -> PasswordPolicy.require("abc\u0000defgh")).hasMessageContaining("NUL");
    // 4 emoji are 8 UTF-16 chars but 4 characters: too short.
    assertThatThrownBy(() -> PasswordPolicy.require("😀😀😀😀")).hasMessageContaining("got 4");
  }
}
