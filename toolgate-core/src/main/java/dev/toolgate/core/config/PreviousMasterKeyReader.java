package dev.toolgate.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code store} key for a master key rotation: {@code previous_master_key_file}, the key being
 * rotated away from, which Toolgate uses to decrypt only (see docs/storage.md, "Rotating the master
 * key"). Like {@code master_key_file} it names a file and never holds the key itself.
 */
final class PreviousMasterKeyReader {
  static final List<String> KEYS = List.of("previous_master_key_file");
  /** A literal key where a file belongs, refused with its own message. */
  static final Map<String, String> REFUSED = Map.of("previous_master_key",
      "a literal master key is refused: " + ConfigReader.NO_SECRETS
          + "; set the environment variable TOOLGATE_MASTER_KEY_PREVIOUS or name a key file with `previous_master_key_file`");

  private PreviousMasterKeyReader() {}

  /** {@code store} with the previous key file of {@code m}; a relative path is resolved against {@code baseDir}. */
  static StoreSettings read(YamlMap m, StoreSettings store, Path baseDir) {
    String file = m.nonEmpty("previous_master_key_file");
    if (file == null) {
      return store;
    }
    if (PastedSecrets.isMasterKey(file)) {
      // Not echoed: it is the key itself.
      m.error("previous_master_key_file", "must be the path of the key file, not the key itself: " + ConfigReader.NO_SECRETS
          + "; set the environment variable TOOLGATE_MASTER_KEY_PREVIOUS to the key, or write it to a file and name that file here");
      return store;
    }
    try {
      Path p = Path.of(file);
      return store.withPreviousMasterKeyFile(p.isAbsolute() ? file : baseDir.resolve(p).normalize().toString());
    } catch (InvalidPathException e) {
      m.error("previous_master_key_file", "invalid file path: " + e.getReason());
      return store;
    }
  }
}
