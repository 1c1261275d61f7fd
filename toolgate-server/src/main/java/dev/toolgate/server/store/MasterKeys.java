package dev.toolgate.server.store;

import java.util.Objects;
import java.util.Optional;

/**
 * The master keys a process holds: the current one, which seals every new value, and while a
 * rotation is under way the previous one, which only decrypts (values sealed under it until
 * {@code toolgate master-key rotate} re-seals them).
 */
public record MasterKeys(MasterKey current, Optional<MasterKey> previous) {
  public MasterKeys {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(previous, "previous");
    if (previous.isPresent() && previous.get().id().equals(current.id())) {
      throw new MasterKeyException("the previous master key from " + previous.get().source() + " is the current master key (key id "
          + current.id() + ", from " + current.source() + "): the previous key is the one being rotated away from."
          + " Set " + MasterKey.PREVIOUS_ENV_VAR + " or store.previous_master_key_file to the old key, or remove it");
    }
  }

  /** The current key alone: no rotation under way. */
  public static MasterKeys of(MasterKey current) {
    return new MasterKeys(current, Optional.empty());
  }

  /** A box that seals under the current key and opens values sealed under either key. */
  public SecretBox box() {
    return new SecretBox(current, previous.orElse(null));
  }

  /** "master key 1a2b… (from …)" and, during a rotation, the previous one: for messages, never key bytes. */
  public String describe() {
    return "master key " + current.id() + " (from " + current.source() + ")"
        + previous.map(p -> " and previous master key " + p.id() + " (from " + p.source() + ")").orElse("");
  }
}
