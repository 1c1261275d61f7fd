package dev.toolgate.server.store;

import com.nimbusds.jose.jwk.JWK;
import dev.toolgate.core.secret.SecretGenerator;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toolgate's own JWT signing keys, in the {@code signing_keys} table.
 *
 * <p>One key is <em>active</em> (signs new tokens); a rotation retires it and activates a new one
 * in one transaction. A retired key stays in the {@link KeyRing} (and so in the JWKS) until every
 * token it signed has expired, that is for the server's maximum token lifetime, after which
 * {@link #purgeExpired} may delete it. Private keys are stored only sealed with the {@link
 * SecretBox} (AES-256-GCM under the master key, the kid as associated data); the public half is
 * kept in clear for display, but the ring is always derived from the sealed private key.
 *
 * <p>Every change bumps the store revision, so running servers reload their snapshot. Writes
 * follow the store's rule: the revision bump is the first statement of the transaction, which
 * serialises writers on both backends; that is what makes {@link #loadKeyRing} safe when two
 * processes start on an empty store at the same moment.
 *
 * <p>All methods block on the database (and {@link #create}/{@link #rotate} on key generation):
 * call them from worker threads.
 */
public final class SigningKeyStore {
  /** What {@link #loadKeyRing(Duration)} generates on first start. */
  public static final SigningAlgorithm DEFAULT_ALGORITHM = SigningAlgorithm.RS256;

  private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);
  private static final String KID_PREFIX = "kid";

  private final Jdbc jdbc;
  private final SecretBox box;
  private final Clock clock;

  public SigningKeyStore(Database database, MasterKey masterKey) {
    this(database, new SecretBox(masterKey), Clock.systemUTC());
  }

  public SigningKeyStore(Database database, MasterKey masterKey, Clock clock) {
    this(database, new SecretBox(masterKey), clock);
  }

  public SigningKeyStore(Database database, SecretBox box, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.box = Objects.requireNonNull(box, "box");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Generates and stores a key that is not active: it neither signs nor is published until activated by a rotation. */
  public SigningKey create(SigningAlgorithm algorithm) {
    Objects.requireNonNull(algorithm, "algorithm");
    Instant now = now();
    JWK jwk = SigningKeyMaterial.generate(algorithm, SecretGenerator.id(KID_PREFIX));
    SigningKeyTable.Row row = SigningKeyMaterial.seal(box, jwk, algorithm, now, null);
    jdbc.write("create signing key", connection -> {
      RevisionTable.bump(connection);
      SigningKeyTable.insert(connection, row);
      return null;
    });
    return new SigningKey(row.kid(), algorithm, jwk, now, null);
  }

  /**
   * Generates a key and makes it the active one, in one transaction; the previously active key, if
   * any, is retired now and stays published (see {@link #loadKeyRing}).
   *
   * @throws MasterKeyException if the active key is sealed under another master key than the one in
   *     use: servers holding that master key could not read the new key (see {@link #rotate(SigningAlgorithm, boolean)})
   */
  public SigningKey rotate(SigningAlgorithm algorithm) {
    return rotate(algorithm, false);
  }

  /**
   * As {@link #rotate(SigningAlgorithm)}; with {@code allowMasterKeyChange} the new key is created
   * even when the active key is sealed under another master key. That is the way out after losing
   * the master key; every server must then use the new one.
   */
  public SigningKey rotate(SigningAlgorithm algorithm, boolean allowMasterKeyChange) {
    Objects.requireNonNull(algorithm, "algorithm");
    Instant now = now();
    JWK jwk = SigningKeyMaterial.generate(algorithm, SecretGenerator.id(KID_PREFIX));
    SigningKeyTable.Row row = SigningKeyMaterial.seal(box, jwk, algorithm, now, now);
    jdbc.write("rotate signing keys", connection -> {
      RevisionTable.bump(connection);
      if (!allowMasterKeyChange) {
        SigningKeyTable.active(connection).ifPresent(this::requireSameMasterKey);
      }
      SigningKeyTable.retireActive(connection, now);
      SigningKeyTable.insert(connection, row);
      return null;
    });
    return new SigningKey(row.kid(), algorithm, jwk, now, null);
  }

  /**
   * Withdraws a key at once, for a key that leaked: it is deleted (private part included), so it
   * leaves the key ring and the JWKS at every server's next reload (at once on PostgreSQL), and every token it signed is
   * refused from then on. When it is the active key, a new {@code replacement} key becomes active in
   * the same transaction, so there is always one to sign with.
   *
   * @return the key that became active, or null when the revoked key was not the active one
   * @throws NotFoundException if no key has this kid
   */
  public SigningKey revoke(String kid, SigningAlgorithm replacement) {
    return revokeKey(kid, replacement).replacement();
  }

  /**
   * What {@link #revokeKey} did: the key as it was when deleted, in state {@link
   * SigningKeyInfo.State#REVOKED} (retired then, if it was not retired before), and the key that
   * replaced it as the active one, or null when it was not the active key.
   */
  public record Revocation(SigningKeyInfo revoked, SigningKey replacement) {}

  /** As {@link #revoke}, also saying which key was deleted. */
  public Revocation revokeKey(String kid, SigningAlgorithm replacement) {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(replacement, "replacement");
    Instant now = now();
    JWK jwk = SigningKeyMaterial.generate(replacement, SecretGenerator.id(KID_PREFIX));
    SigningKeyTable.Row fresh = SigningKeyMaterial.seal(box, jwk, replacement, now, now);
    SigningKeyTable.Row revoked = jdbc.write("revoke signing key", connection -> {
      RevisionTable.bump(connection);
      SigningKeyTable.Row row = SigningKeyTable.byKid(connection, kid)
          .orElseThrow(() -> new NotFoundException("no signing key with kid '" + kid + "'"));
      boolean wasActive = row.activatedAt() != null && row.retiredAt() == null;
      if (wasActive) {
        SigningKeyTable.retireActive(connection, now);
        SigningKeyTable.insert(connection, fresh);
      }
      SigningKeyTable.delete(connection, kid);
      return row;
    });
    boolean replaced = revoked.activatedAt() != null && revoked.retiredAt() == null;
    SigningKeyInfo info = new SigningKeyInfo(revoked.kid(), SigningAlgorithm.parse(revoked.algorithm()).orElse(null), revoked.sealed().keyId(),
        revoked.createdAt(), revoked.activatedAt(), revoked.retiredAt() != null ? revoked.retiredAt() : now, SigningKeyInfo.State.REVOKED);
    return new Revocation(info, replaced ? new SigningKey(fresh.kid(), replacement, jwk, now, null) : null);
  }

  /** As {@link #loadKeyRing(Duration, SigningAlgorithm)}, a first key being {@link #DEFAULT_ALGORITHM}. */
  public KeyRing loadKeyRing(Duration maxTokenLifetime) {
    return loadKeyRing(maxTokenLifetime, DEFAULT_ALGORITHM);
  }

  /**
   * The active key and every key retired less than {@code maxTokenLifetime} ago. On a store
   * without an active key (first start) it first generates and activates a {@code
   * firstKeyAlgorithm} key; when several processes do this at once, exactly one key is created and
   * all of them return it. Call it once when a server starts, before creating its {@link
   * CredentialCache}; reading an existing ring changes nothing.
   *
   * @param maxTokenLifetime the longest lifetime of any token the server issues (and so how long
   *     a retired key must still verify)
   * @throws MasterKeyException if the active key cannot be opened with the master key in use.
   *     Retired keys that cannot be opened are left out (and logged): they sign nothing.
   */
  public KeyRing loadKeyRing(Duration maxTokenLifetime, SigningAlgorithm firstKeyAlgorithm) {
    requireLifetime(maxTokenLifetime);
    Objects.requireNonNull(firstKeyAlgorithm, "firstKeyAlgorithm");
    RingRead read = jdbc.snapshot("load signing keys", connection -> readRing(connection, box, now(), maxTokenLifetime, DecryptedBefore.NONE));
    if (!read.hasActiveRow()) {
      createFirstKey(firstKeyAlgorithm);
      read = jdbc.snapshot("load signing keys", connection -> readRing(connection, box, now(), maxTokenLifetime, DecryptedBefore.NONE));
    }
    if (read.activeFailure() != null) {
      throw read.activeFailure();
    }
    if (read.ring() == null) {
      throw new StoreException("no active signing key in " + jdbc.database().target() + " after creating one");
    }
    for (String problem : read.problems()) {
      LOG.warn("signing key left out of the key ring: {}", problem);
    }
    return read.ring();
  }

  /** Every key, newest first, with its state; no key material, nothing decrypted. */
  public List<SigningKeyInfo> list(Duration maxTokenLifetime) {
    requireLifetime(maxTokenLifetime);
    Instant cutoff = now().minus(maxTokenLifetime);
    List<SigningKeyTable.Row> rows = jdbc.read("list signing keys", SigningKeyTable::all);
    List<SigningKeyInfo> result = new ArrayList<>();
    for (SigningKeyTable.Row row : rows) {
      result.add(info(row, cutoff));
    }
    return result;
  }

  /** One key as {@link #list} shows it; empty if no key has this kid. */
  public Optional<SigningKeyInfo> find(String kid, Duration maxTokenLifetime) {
    requireLifetime(maxTokenLifetime);
    Instant cutoff = now().minus(maxTokenLifetime);
    return jdbc.read("find signing key", connection -> SigningKeyTable.byKid(connection, kid)).map(row -> info(row, cutoff));
  }

  private static SigningKeyInfo info(SigningKeyTable.Row row, Instant cutoff) {
    SigningKeyInfo.State state;
    if (row.activatedAt() == null) {
      state = SigningKeyInfo.State.PENDING;
    } else if (row.retiredAt() == null) {
      state = SigningKeyInfo.State.ACTIVE;
    } else if (row.retiredAt().isAfter(cutoff)) {
      state = SigningKeyInfo.State.PUBLISHED;
    } else {
      state = SigningKeyInfo.State.EXPIRED;
    }
    SigningAlgorithm algorithm = SigningAlgorithm.parse(row.algorithm()).orElse(null);
    return new SigningKeyInfo(row.kid(), algorithm, row.sealed().keyId(), row.createdAt(), row.activatedAt(), row.retiredAt(), state);
  }

  /**
   * Deletes the keys retired {@code maxTokenLifetime} or longer ago (those {@link #list} calls
   * {@link SigningKeyInfo.State#EXPIRED}); never the active key or a pending one.
   *
   * @return how many keys were deleted; the revision moves only if there were any
   */
  public int purgeExpired(Duration maxTokenLifetime) {
    requireLifetime(maxTokenLifetime);
    Instant cutoff = now().minus(maxTokenLifetime);
    long expired = jdbc.read("count expired signing keys", connection -> SigningKeyTable.countRetiredNotAfter(connection, cutoff));
    if (expired == 0) {
      return 0;
    }
    return jdbc.write("purge expired signing keys", connection -> {
      RevisionTable.bump(connection);
      return SigningKeyTable.deleteRetiredNotAfter(connection, cutoff);
    });
  }

  /** Creates and activates a key unless one became active meanwhile (another process starting too). */
  private void createFirstKey(SigningAlgorithm algorithm) {
    Instant now = now();
    JWK jwk = SigningKeyMaterial.generate(algorithm, SecretGenerator.id(KID_PREFIX));
    SigningKeyTable.Row row = SigningKeyMaterial.seal(box, jwk, algorithm, now, now);
    boolean created = jdbc.write("create the first signing key", connection -> {
      // First statement: takes SQLite's write lock / PostgreSQL's revision row lock, so the check
      // below sees any key another process committed while we waited.
      RevisionTable.bump(connection);
      if (SigningKeyTable.active(connection).isPresent()) {
        return false;
      }
      SigningKeyTable.insert(connection, row);
      return true;
    });
    if (created) {
      LOG.info("generated signing key {} ({}), the first of this store", row.kid(), row.algorithm());
    }
  }

  private void requireSameMasterKey(SigningKeyTable.Row active) {
    // During a master key rotation the active key may be under the previous key, which this box holds too.
    if (!box.holds(active.sealed().keyId())) {
      throw new MasterKeyException(
          "the active signing key " + active.kid() + " was encrypted with master key " + active.sealed().keyId()
              + "; the key in use is " + box.keyId() + " (set " + MasterKey.ENV_VAR + " or restore the key file)."
              + " A key made now could not be read by servers using master key " + active.sealed().keyId()
              + "; if that key is lost for good, see `toolgate master-key reset --help`");
    }
  }

  /**
   * What the key ring read in one transaction gave.
   *
   * @param ring null when there is no usable active key
   * @param hasActiveRow whether an active key is stored at all (readable or not)
   * @param activeFailure why the active key could not be opened, or null
   * @param problems every key left out, and why (the active one included)
   */
  record RingRead(KeyRing ring, boolean hasActiveRow, MasterKeyException activeFailure, List<String> problems) {}

  /**
   * Reads and opens the active key and the keys retired after {@code now - maxTokenLifetime}; a key
   * re-sealed under a master key {@code box} lacks is taken from {@code before} if it has it (still
   * reported as a problem).
   */
  static RingRead readRing(Connection connection, SecretBox box, Instant now, Duration maxTokenLifetime, DecryptedBefore before)
      throws SQLException {
    SigningKey active = null;
    boolean hasActiveRow = false;
    MasterKeyException activeFailure = null;
    List<SigningKey> published = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (SigningKeyTable.Row row : SigningKeyTable.ring(connection, now.minus(maxTokenLifetime))) {
      boolean isActive = row.retiredAt() == null;
      hasActiveRow |= isActive;
      SigningKey key;
      try {
        key = SigningKeyMaterial.open(box, row);
      } catch (MasterKeyException e) {
        key = box.holds(row.sealed().keyId()) ? null : before.key(row.kid())
            .map(k -> new SigningKey(k.kid(), k.algorithm(), k.privateJwk(), k.createdAt(), row.retiredAt())).orElse(null);
        problems.add(e.getMessage() + (key == null ? "" : "; this instance keeps using the key it decrypted before:"
            + " restart it with master key " + row.sealed().keyId()));
        if (isActive && key == null) {
          activeFailure = e;
        }
      }
      if (key != null && isActive) {
        active = key;
      } else if (key != null) {
        published.add(key);
      }
    }
    KeyRing ring = active == null ? null : new KeyRing(active, published);
    return new RingRead(ring, hasActiveRow, activeFailure, List.copyOf(problems));
  }

  static void requireLifetime(Duration maxTokenLifetime) {
    if (maxTokenLifetime == null || maxTokenLifetime.isNegative() || maxTokenLifetime.isZero()) {
      throw new IllegalArgumentException("maximum token lifetime must be positive, got " + maxTokenLifetime);
    }
  }

  private Instant now() {
    return Columns.millis(clock.instant());
  }
}
