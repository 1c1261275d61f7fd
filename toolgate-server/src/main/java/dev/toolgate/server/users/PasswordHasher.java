package dev.toolgate.server.users;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashing (RFC 9106) through password4j, stored as PHC strings:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (unpadded standard base64, 16-byte random
 * salt, 32-byte hash). The string carries its parameters, so hashes made under older parameters
 * keep verifying after a tuning change ({@link #needsRehash} tells the login to upgrade them).
 *
 * <p>Every method here that hashes takes tens to hundreds of milliseconds of CPU and memory by
 * design: call the blocking ones from worker threads, or use the {@link Vertx} overloads, which run
 * on the worker pool ({@code executeBlocking(..., false)}), never on an event loop.
 */
public final class PasswordHasher {
  /** Salt length (RFC 9106 recommends 16 bytes). */
  static final int SALT_BYTES = 16;
  /** Hash (tag) length. */
  static final int HASH_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=([0-9]{1,9}),t=([0-9]{1,6}),p=([0-9]{1,3})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,172})");

  /**
   * Argon2id cost parameters.
   *
   * <p>The default, {@link #OWASP_2023}, is the OWASP Password Storage Cheat Sheet (2023) minimum
   * for Argon2id: 19 MiB of memory, 2 passes, 1 lane (about 20-150 ms per hash on one core of a
   * current server). Raise memory first, then iterations, while one hash stays well under your
   * login latency budget; each concurrent login holds {@code memoryKib} KiB while it hashes.
   *
   * @param memoryKib memory per hash in KiB (m); at least 8 × parallelism
   * @param iterations passes over the memory (t), at least 1
   * @param parallelism lanes (p), 1-16; Toolgate hashes on worker threads, so 1 is usual
   */
  public record Parameters(int memoryKib, int iterations, int parallelism) {
    /** m=19456 KiB (19 MiB), t=2, p=1: OWASP's 2023 minimum for Argon2id. */
    public static final Parameters OWASP_2023 = new Parameters(19_456, 2, 1);

    public Parameters {
      if (parallelism < 1 || parallelism > 16) {
        throw new IllegalArgumentException("Argon2 parallelism must be 1-16, got " + parallelism);
      }
      if (iterations < 1 || iterations > 100) {
        throw new IllegalArgumentException("Argon2 iterations must be 1-100, got " + iterations);
      }
      if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "Argon2 memory must be between 8 × parallelism KiB and 4 GiB, got " + memoryKib + " KiB");
      }
    }

    @Override
    public String toString() {
      return "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
    }
  }

  private final Parameters parameters;
  /** Salt and tag {@link #verifyNothing} checks against: random, so nothing ever matches them. */
  private final byte[] dummySalt = new byte[SALT_BYTES];
  private final byte[] dummyTag = new byte[HASH_BYTES];

  /** Hashes with {@link Parameters#OWASP_2023}. */
  public PasswordHasher() {
    this(Parameters.OWASP_2023);
  }

  /**
   * Hashes with these parameters. Computes no hash and allocates no Argon2 memory: the server builds
   * one at start-up, where a hash (hundreds of ms before the JIT warms up) would delay the first
   * request, and many deployments never log a user in.
   */
  public PasswordHasher(Parameters parameters) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    RANDOM.nextBytes(dummySalt);
    RANDOM.nextBytes(dummyTag);
  }

  public Parameters parameters() {
    return parameters;
  }

  /** A new PHC string for {@code password} with a fresh random salt. Blocking, expensive. */
  public String hash(String password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] plain = password.getBytes(StandardCharsets.UTF_8);
    try {
      byte[] tag = argon2(parameters).hash(plain, salt).getBytes();
      return phc(parameters, salt, tag);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Whether {@code password} matches {@code storedHash}, computed under the hash's own parameters
   * and compared in constant time. A malformed stored hash never matches; it is then checked
   * against the dummy instead, so the call still costs one full hash. Blocking, expensive.
   */
  public boolean verify(String password, String storedHash) {
    Objects.requireNonNull(password, "password");
    Matcher m = storedHash == null ? null : PHC.matcher(storedHash);
    if (m == null || !m.matches()) {
      verifyNothing(password);
      return false;
    }
    Parameters own;
    byte[] salt;
    byte[] expected;
    try {
      own = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      salt = Base64.getDecoder().decode(m.group(4));
      expected = Base64.getDecoder().decode(m.group(5));
    } catch (IllegalArgumentException malformed) {
      verifyNothing(password);
      return false;
    }
    Argon2Function f = own.equals(parameters) ? argon2(parameters) : argon2(own, expected.length);
    byte[] plain = password.getBytes(StandardCharsets.UTF_8);
    try {
      byte[] actual = f.hash(plain, salt).getBytes();
      return MessageDigest.isEqual(actual, expected);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Does the work of one {@link #verify} against a fixed dummy hash and returns false. Used for
   * unknown usernames, so the time a login takes does not tell whether the user exists.
   */
  public boolean verifyNothing(String password) {
    verifyDummy(password);
    return false;
  }

  private void verifyDummy(String password) {
    byte[] plain = password.getBytes(StandardCharsets.UTF_8);
    try {
      // The same work as verifying a stored hash made under this hasher's parameters.
      byte[] actual = argon2(parameters).hash(plain, dummySalt).getBytes();
      MessageDigest.isEqual(actual, dummyTag);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** True when {@code storedHash} was made under other parameters than this hasher's (or is not Argon2id). */
  public boolean needsRehash(String storedHash) {
    Matcher m = storedHash == null ? null : PHC.matcher(storedHash);
    if (m == null || !m.matches()) {
      return true;
    }
    return !(m.group(1).equals(Integer.toString(parameters.memoryKib()))
        && m.group(2).equals(Integer.toString(parameters.iterations()))
        && m.group(3).equals(Integer.toString(parameters.parallelism())));
  }

  /** {@link #hash(String)} on a worker thread. */
  public Future<String> hash(Vertx vertx, String password) {
    return vertx.executeBlocking(() -> hash(password), false);
  }

  /** {@link #verify(String, String)} on a worker thread. */
  public Future<Boolean> verify(Vertx vertx, String password, String storedHash) {
    return vertx.executeBlocking(() -> verify(password, storedHash), false);
  }

  private static Argon2Function argon2(Parameters p) {
    return argon2(p, HASH_BYTES);
  }

  /**
   * password4j keeps one instance per parameter set for good, and each holds its full memory (m KiB,
   * 19 MiB by default) from construction on: so it is only asked for one when a hash is computed.
   */
  private static Argon2Function argon2(Parameters p, int outputLength) {
    return Argon2Function.getInstance(p.memoryKib(), p.iterations(), p.parallelism(), outputLength, Argon2.ID,
        Argon2Function.ARGON2_VERSION_13);
  }

  private static String phc(Parameters p, byte[] salt, byte[] tag) {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "$argon2id$v=19$m=" + p.memoryKib() + ",t=" + p.iterations() + ",p=" + p.parallelism()
        + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(tag);
  }

  @Override
  public String toString() {
    return "PasswordHasher[argon2id " + parameters + "]";
  }
}
