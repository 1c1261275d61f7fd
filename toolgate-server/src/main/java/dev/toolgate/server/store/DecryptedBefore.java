package dev.toolgate.server.store;

import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running server decrypted at its previous load, by row id: used for a row it can no longer
 * open because the row was re-sealed under a master key this server does not hold (an instance left
 * with only the old key after {@code toolgate master-key rotate}). Such an instance keeps verifying
 * with the values it had, while its revocations, expiries and retirements still come from the rows,
 * and it reports itself not ready. Safe because a stored value never changes under its id: a secret
 * or key is replaced by a new row, and a rotation re-seals the same bytes.
 */
record DecryptedBefore(Map<String, byte[]> secrets, KeyRing ring) {
  static final DecryptedBefore NONE = new DecryptedBefore(Map.of(), null);

  /** From the signing secrets and key ring of the previous load. */
  static DecryptedBefore of(List<SigningSecret> secrets, KeyRing ring) {
    Map<String, byte[]> byId = new HashMap<>();
    for (SigningSecret secret : secrets) {
      if (secret.key() != null) {
        byId.put(secret.id(), secret.key());
      }
    }
    return new DecryptedBefore(Map.copyOf(byId), ring);
  }

  Optional<byte[]> secret(String id) {
    return Optional.ofNullable(secrets.get(id));
  }

  Optional<SigningKey> key(String kid) {
    return ring == null ? Optional.empty() : ring.key(kid);
  }
}
