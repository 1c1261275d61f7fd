package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit AES key that encrypts signing secrets at rest.
 *
 * <p>Taken from the environment variable {@value #ENV_VAR} (base64 of 32 bytes) when set, so a
 * deployment can inject it from a secret manager; otherwise from the key file named in the store
 * settings, which is created with fresh random bytes and owner-only permissions the first time, so
 * the embedded default needs no setup. The key is known elsewhere only by its {@link #id()}.
 */
public final class MasterKey {
  public static final String ENV_VAR = "TOOLGATE_MASTER_KEY";
  /** The previous master key, for decryption only while a rotation is under way. */
  public static final String PREVIOUS_ENV_VAR = "TOOLGATE_MASTER_KEY_PREVIOUS";
  public static final int LENGTH_BYTES = 32;
  private static final String ENV_SOURCE = "environment variable " + ENV_VAR;
  private static final String PREVIOUS_ENV_SOURCE = "environment variable " + PREVIOUS_ENV_VAR;

  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final byte[] bytes;
  private final String id;
  private final String source;

  private MasterKey(byte[] bytes, String source) {
    this.bytes = bytes;
    this.id = idOf(bytes);
    this.source = source;
  }

  /**
   * The key the settings call for: {@value #ENV_VAR} if set, else the key file (created if absent).
   * Commands and the server use {@link MasterKeyCheck#keyFor} instead, which creates a key only for
   * a store that holds nothing encrypted and refuses a key that is not the store's.
   */
  public static MasterKey load(StoreSettings settings) {
    return load(settings, System::getenv);
  }

  /** As {@link #load(StoreSettings)}, reading environment variables through {@code env}. */
  public static MasterKey load(StoreSettings settings, Function<String, String> env) {
    return load(settings, env, null);
  }

  /**
   * As {@link #load(StoreSettings, Function)}, but a missing key file is created only when {@code
   * mustExistBecause} is null; otherwise it is an error whose message ends with that reason (e.g.
   * "the store holds data encrypted under master key …").
   */
  public static MasterKey load(StoreSettings settings, Function<String, String> env, String mustExistBecause) {
    String fromEnv = env.apply(ENV_VAR);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromBase64(fromEnv, ENV_SOURCE);
    }
    String file = settings.masterKeyFile();
    if (file == null || file.isBlank()) {
      throw new MasterKeyException("no master key: set " + ENV_VAR + " or store.master_key_file");
    }
    return fromFile(Path.of(file), mustExistBecause);
  }

  /**
   * The previous master key, if one is configured: {@value #PREVIOUS_ENV_VAR} if set, else {@code
   * store.previous_master_key_file} if set. Used to decrypt only, while a rotation is under way; its
   * file is never created.
   *
   * @throws MasterKeyException if it is malformed or its file does not exist
   */
  public static Optional<MasterKey> loadPrevious(StoreSettings settings, Function<String, String> env) {
    String fromEnv = env.apply(PREVIOUS_ENV_VAR);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(fromBase64(fromEnv, PREVIOUS_ENV_SOURCE));
    }
    String file = settings.previousMasterKeyFile();
    if (file == null || file.isBlank()) {
      return Optional.empty();
    }
    Path absolute = Path.of(file).toAbsolutePath();
    if (!Files.exists(absolute)) {
      throw new MasterKeyException("previous master key file " + absolute + " (store.previous_master_key_file) does not exist;"
          + " it must hold the master key being rotated away from, and is never created");
    }
    try {
      warnIfReadableByOthers(absolute);
      return Optional.of(fromBase64(Files.readString(absolute, StandardCharsets.US_ASCII), "key file " + absolute));
    } catch (IOException e) {
      throw new MasterKeyException("cannot read previous master key file " + absolute + ": " + e, e);
    }
  }

  /** Whether a previous master key is configured ({@value #PREVIOUS_ENV_VAR} or {@code store.previous_master_key_file}); reads no key. */
  public static boolean previousConfigured(StoreSettings settings, Function<String, String> env) {
    String fromEnv = env.apply(PREVIOUS_ENV_VAR);
    return (fromEnv != null && !fromEnv.isBlank()) || (settings.previousMasterKeyFile() != null && !settings.previousMasterKeyFile().isBlank());
  }

  /**
   * Writes a fresh random key to {@code file} (mode 0600), for the first step of a rotation.
   *
   * @throws MasterKeyException if the file exists (it is never overwritten) or cannot be written
   */
  public static MasterKey writeNew(Path file) {
    Path absolute = file.toAbsolutePath();
    if (Files.exists(absolute)) {
      throw new MasterKeyException(absolute + " exists already; a key file is never overwritten: name a new file");
    }
    try {
      createKeyFile(absolute);
    } catch (IOException e) {
      throw new MasterKeyException("cannot write master key file " + absolute + ": " + e, e);
    }
    return fromFile(absolute, "a new key is never written over another");
  }

  /** Reads the key file, creating it with 32 random bytes (mode 0600) if it does not exist. */
  public static MasterKey fromFile(Path file) {
    return fromFile(file, null);
  }

  private static MasterKey fromFile(Path file, String mustExistBecause) {
    Path absolute = file.toAbsolutePath();
    String source = "key file " + absolute;
    try {
      if (!Files.exists(absolute)) {
        if (mustExistBecause != null) {
          throw new MasterKeyException("master key file " + absolute + " does not exist, and " + mustExistBecause
              + ". Restore that file (or set " + ENV_VAR + " to that key); a new key could not decrypt what is stored, so none is created");
        }
        createKeyFile(absolute);
      }
      warnIfReadableByOthers(absolute);
      return fromBase64(Files.readString(absolute, StandardCharsets.US_ASCII), source);
    } catch (IOException e) {
      throw new MasterKeyException("cannot read or create master " + source + ": " + e, e);
    }
  }

  /** Decodes base64 text holding exactly 32 bytes; {@code source} names where it came from, for errors. */
  public static MasterKey fromBase64(String text, String source) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      // The exception text can quote the offending input; do not chain it.
      throw new MasterKeyException("malformed master key in " + source + ": not valid base64 (expected base64 of " + LENGTH_BYTES + " random bytes)");
    }
    if (decoded.length != LENGTH_BYTES) {
      int length = decoded.length;
      Arrays.fill(decoded, (byte) 0);
      throw new MasterKeyException(
          "malformed master key in " + source + ": decodes to " + length + " bytes, expected " + LENGTH_BYTES);
    }
    return new MasterKey(decoded, source);
  }

  /** A fresh random key, e.g. for tests or for printing a value to put in {@value #ENV_VAR}. */
  public static MasterKey generate() {
    byte[] bytes = new byte[LENGTH_BYTES];
    RANDOM.nextBytes(bytes);
    return new MasterKey(bytes, "a generated key");
  }

  /**
   * Writes the key to a private temporary file and then hard-links it into place: the link fails
   * if the file appeared meanwhile (another process starting at the same moment), so two processes
   * can never each create, and then use, a different key.
   */
  private static void createKeyFile(Path file) throws IOException {
    Path directory = file.getParent();
    if (directory != null && !Files.isDirectory(directory)) {
      throw new NoSuchFileException(directory.toString(), null, "directory for the master key file does not exist");
    }
    byte[] key = new byte[LENGTH_BYTES];
    RANDOM.nextBytes(key);
    String id = idOf(key);
    byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(key, (byte) 0);
    Path temporary = Files.createTempFile(directory, ".toolgate-key-", ".tmp", ownerOnly(directory));
    try {
      Files.write(temporary, text);
      try {
        Files.createLink(file, temporary);
      } catch (UnsupportedOperationException noHardLinks) {
        Files.move(temporary, file); // without REPLACE_EXISTING: fails if the file exists
      }
      LOG.warn("created master key file {} (key id {}); back it up: signing secrets cannot be decrypted without it", file, id);
    } catch (FileAlreadyExistsException raced) {
      // Another process created it first: use theirs.
    } finally {
      Arrays.fill(text, (byte) 0);
      Files.deleteIfExists(temporary);
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path directory) throws IOException {
    boolean posix = Files.getFileStore(directory == null ? Path.of(".") : directory)
        .supportsFileAttributeView("posix");
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(permissions)) {
        LOG.warn("master key file {} is accessible to other users ({}); run: chmod 600 {}",
            file, PosixFilePermissions.toString(permissions), file);
      }
    } catch (UnsupportedOperationException | IOException notPosix) {
      // Not a POSIX file system: nothing to check.
    }
  }

  static String idOf(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * First 16 hex chars of SHA-256 of the key: stored beside each ciphertext so a wrong key is
   * recognised as such. Safe to show; says nothing useful about the key bytes.
   */
  public String id() {
    return id;
  }

  /** Where the key came from (environment variable or key file path), for messages. */
  public String source() {
    return source;
  }

  /** Whether the key came from {@value #ENV_VAR} rather than a file. */
  public boolean fromEnvironment() {
    return source.equals(ENV_SOURCE);
  }

  /** Whether the key came from {@value #PREVIOUS_ENV_VAR}. */
  public boolean fromPreviousEnvironment() {
    return source.equals(PREVIOUS_ENV_SOURCE);
  }

  SecretKey secretKey() {
    return new SecretKeySpec(bytes, "AES");
  }

  /** Base64 of the key bytes: only for deliberately exporting it (e.g. into {@value #ENV_VAR}). */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "MasterKey[id=" + id + ", source=" + source + "]";
  }
}
