package dev.toolgate.core.config;

/**
 * Where credentials and the audit log live.
 *
 * @param kind {@code sqlite} (embedded default) or {@code postgresql}
 * @param path SQLite database file (kind sqlite)
 * @param url JDBC URL (kind postgresql)
 * @param user database user (kind postgresql), may be null
 * @param passwordEnv name of the environment variable holding the database password, may be null
 * @param masterKeyFile file holding the key that encrypts signing secrets at rest, used when the
 *     environment variable {@code TOOLGATE_MASTER_KEY} is not set
 * @param passwordEnvAt where {@code password_env} was written, for the error when the variable it
 *     names is not set; null when the settings did not come from a file
 * @param previousMasterKeyFile file holding the master key being rotated away from, used for
 *     decryption only while a rotation is under way, when the environment variable {@code
 *     TOOLGATE_MASTER_KEY_PREVIOUS} is not set; null when none (the usual case)
 */
public record StoreSettings(Kind kind, String path, String url, String user, String passwordEnv, String masterKeyFile,
    ConfigLocation passwordEnvAt, String previousMasterKeyFile) {
  public enum Kind { SQLITE, POSTGRESQL }

  /** Settings without a previous master key. */
  public StoreSettings(Kind kind, String path, String url, String user, String passwordEnv, String masterKeyFile,
      ConfigLocation passwordEnvAt) {
    this(kind, path, url, user, passwordEnv, masterKeyFile, passwordEnvAt, null);
  }

  /** Settings made in code rather than read from a file. */
  public StoreSettings(Kind kind, String path, String url, String user, String passwordEnv, String masterKeyFile) {
    this(kind, path, url, user, passwordEnv, masterKeyFile, null, null);
  }

  public static StoreSettings defaults() {
    return new StoreSettings(Kind.SQLITE, "toolgate.db", null, null, null, "toolgate.key");
  }

  /** The same settings with {@code file} as the previous master key's file (null for none). */
  public StoreSettings withPreviousMasterKeyFile(String file) {
    return new StoreSettings(kind, path, url, user, passwordEnv, masterKeyFile, passwordEnvAt, file);
  }
}
