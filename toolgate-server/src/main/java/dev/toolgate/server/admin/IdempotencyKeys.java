package dev.toolgate.server.admin;

import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code Idempotency-Key}s of admin creations, in the store (so a retry that reaches another
 * instance is answered the same), per admin token, for {@link #KEPT}. Blocking: call from workers.
 */
public final class IdempotencyKeys {
  /** How long a key is remembered. */
  public static final Duration KEPT = Duration.ofHours(24);
  /** A first request that has not finished after this long is taken to have died with its instance. */
  static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);

  /** What a key says about a request. */
  public sealed interface Outcome {}

  /** New: run the request, then {@link #complete} or {@link #release}. */
  public record Reserved() implements Outcome {}

  /** Done before: answer this again. */
  public record Replay(int status, String location, String response) implements Outcome {}

  /** The first request with this key is still running. */
  public record InFlight() implements Outcome {}

  /**
   * The first request with this key changed the store, but its answer was never recorded (the
   * process died between the two): running it again would do it twice, and its answer is lost.
   */
  public record CarriedOut() implements Outcome {}

  /** {@code status} of a key whose request wrote to the store and has no recorded answer yet. */
  private static final int CARRIED_OUT = 0;

  /** The key was used for a different request. */
  public record Mismatch() implements Outcome {}

  private final Jdbc jdbc;
  private final Clock clock;

  public IdempotencyKeys(Database database, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Outcome reserve(String tokenId, String key, String requestDigest) {
    long now = clock.millis();
    return jdbc.write("reserve idempotency key", connection -> {
      try (PreparedStatement purge = connection.prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?")) {
        purge.setLong(1, now - KEPT.toMillis()); // a write first: SQLite takes its write lock here
        purge.executeUpdate();
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO idempotency_keys (token_id, idem_key, request_digest, created_at) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (token_id, idem_key) DO NOTHING")) {
        insert.setString(1, tokenId);
        insert.setString(2, key);
        insert.setString(3, requestDigest);
        insert.setLong(4, now);
        if (insert.executeUpdate() == 1) {
          return new Reserved();
        }
      }
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT request_digest, created_at, status, location, response FROM idempotency_keys WHERE token_id = ? AND idem_key = ?")) {
        query.setString(1, tokenId);
        query.setString(2, key);
        try (ResultSet row = query.executeQuery()) {
          if (!row.next()) {
            return new InFlight(); // purged between the two statements: only by a clock far ahead; let the caller retry
          }
          if (!row.getString("request_digest").equals(requestDigest)) {
            return new Mismatch();
          }
          int status = row.getInt("status");
          if (!row.wasNull() && status == CARRIED_OUT) {
            return new CarriedOut();
          }
          if (!row.wasNull()) {
            return new Replay(status, row.getString("location"), row.getString("response"));
          }
          if (row.getLong("created_at") > now - ABANDONED_AFTER.toMillis()) {
            return new InFlight();
          }
        }
      }
      try (PreparedStatement takeOver = connection.prepareStatement(
          "UPDATE idempotency_keys SET created_at = ? WHERE token_id = ? AND idem_key = ? AND status IS NULL AND created_at < ?")) {
        takeOver.setLong(1, now);
        takeOver.setString(2, tokenId);
        takeOver.setString(3, key);
        takeOver.setLong(4, now - ABANDONED_AFTER.toMillis());
        return takeOver.executeUpdate() == 1 ? new Reserved() : new InFlight();
      }
    });
  }

  /**
   * For {@link Jdbc#alsoInEachWrite}: marks the key as carried out in each transaction the request
   * writes, so that a crash before {@link #complete} leaves a key that says so (a retry is not run
   * twice, nor the key freed by {@link #release}), and a rolled-back write leaves the key as it was.
   */
  public Jdbc.Work<Void> markCarriedOut(String tokenId, String key) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE idempotency_keys SET status = ? WHERE token_id = ? AND idem_key = ? AND status IS NULL")) {
        update.setInt(1, CARRIED_OUT);
        update.setString(2, tokenId);
        update.setString(3, key);
        update.executeUpdate();
      }
      return null;
    };
  }

  /** Records the answer a retry gets (never holding a secret). */
  public void complete(String tokenId, String key, int status, String location, String response) {
    jdbc.write("record idempotent answer", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE idempotency_keys SET status = ?, location = ?, response = ? WHERE token_id = ? AND idem_key = ?")) {
        update.setInt(1, status);
        update.setString(2, location);
        update.setString(3, response);
        update.setString(4, tokenId);
        update.setString(5, key);
        update.executeUpdate();
      }
      return null;
    });
  }

  /** Forgets a key whose request failed, so that a retry runs it again. */
  public void release(String tokenId, String key) {
    jdbc.write("release idempotency key", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM idempotency_keys WHERE token_id = ? AND idem_key = ? AND status IS NULL")) {
        delete.setString(1, tokenId);
        delete.setString(2, key);
        delete.executeUpdate();
      }
      return null;
    });
  }
}
