package dev.toolgate.server.store;

import dev.toolgate.core.port.SigningSecret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the signing secrets of a snapshot: those that decrypt, those kept from the previous load
 * because they were re-sealed under a master key this process lacks ({@link DecryptedBefore}), and
 * the problems of the others.
 *
 * @param secrets the secrets to verify with
 * @param problems one message per secret that did not decrypt (key ids and row ids only)
 * @param undecryptable the messages of those in use (neither revoked nor expired)
 * @param unreadableOwners the client id of each secret in use that is missing from {@code secrets}
 */
record SnapshotSecrets(List<SigningSecret> secrets, List<String> problems, List<String> undecryptable, List<String> unreadableOwners) {
  static SnapshotSecrets open(List<SigningSecretTable.Row> rows, SecretBox box, DecryptedBefore before, Instant now) {
    List<SigningSecret> secrets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> undecryptable = new ArrayList<>();
    List<String> unreadableOwners = new ArrayList<>();
    for (SigningSecretTable.Row row : rows) {
      try {
        byte[] key = box.open(row.id(), row.sealed());
        secrets.add(new SigningSecret(row.id(), row.clientId(), key, row.createdAt(), row.expiresAt(), row.revokedAt()));
      } catch (MasterKeyException e) {
        // Re-sealed under a key this process lacks (a rotation it missed): keep verifying with the value it had.
        byte[] kept = box.holds(row.sealed().keyId()) ? null : before.secret(row.id()).orElse(null);
        if (kept != null) {
          secrets.add(new SigningSecret(row.id(), row.clientId(), kept, row.createdAt(), row.expiresAt(), row.revokedAt()));
        }
        problems.add(e.getMessage() + (kept == null ? "" : "; this instance keeps verifying with the value it decrypted before:"
            + " restart it with master key " + row.sealed().keyId()));
        // A revoked or expired secret verifies nothing anyway; revoking is how an operator clears one.
        if (row.revokedAt() == null && (row.expiresAt() == null || row.expiresAt().isAfter(now))) {
          undecryptable.add(e.getMessage());
          if (kept == null) {
            unreadableOwners.add(row.clientId());
          }
        }
      }
    }
    return new SnapshotSecrets(secrets, problems, undecryptable, unreadableOwners);
  }
}
