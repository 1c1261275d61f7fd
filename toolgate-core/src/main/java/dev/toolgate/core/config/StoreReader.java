package dev.toolgate.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code store:} section ({@link StoreSettings}): SQLite or PostgreSQL, and where the master key
 * is. Secrets are refused here with their own messages, and values that may be one are not echoed.
 */
final class StoreReader {
  static final List<String> KEYS = Stream.concat(
      Stream.of("kind", "path", "url", "user", "password_env", "master_key_file"), PreviousMasterKeyReader.KEYS.stream()).toList();
  private static final Map<String, String> REFUSED = withAll(Map.of(
      "password", "a literal password is refused: " + ConfigReader.NO_SECRETS
          + "; put the password in an environment variable and name that variable with `password_env`",
      "master_key", "a literal master key is refused: " + ConfigReader.NO_SECRETS
          + "; set the environment variable TOOLGATE_MASTER_KEY or name a key file with `master_key_file`"),
      PreviousMasterKeyReader.REFUSED);
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String JDBC_PREFIX = "jdbc:postgresql://";

  private final Problems problems;
  private final Path source;
  private final Path baseDir;

  StoreReader(Problems problems, Path source, Path baseDir) {
    this.problems = problems;
    this.source = source;
    this.baseDir = baseDir;
  }

  /** {@code store:}; its defaults when absent (or not a mapping: error recorded). */
  StoreSettings read(YamlMap root) {
    StoreSettings d = StoreSettings.defaults();
    YamlMap m = YamlMap.read(root.value("store"), "store", problems, KEYS, REFUSED);
    if (m == null) {
      return d;
    }
    StoreSettings.Kind kind = d.kind();
    boolean kindKnown = true;
    String kindText = m.string("kind");
    if (kindText != null) {
      switch (kindText) {
        case "sqlite" -> kind = StoreSettings.Kind.SQLITE;
        case "postgresql" -> kind = StoreSettings.Kind.POSTGRESQL;
        default -> {
          kindKnown = false;
          m.error("kind", "unknown store kind " + Yaml.quote(kindText) + " (known: sqlite, postgresql)");
        }
      }
    }
    String path = m.nonEmpty("path");
    String url = m.nonEmpty("url");
    if (url != null) {
      checkJdbcUrl(m, url);
    }
    String user = m.nonEmpty("user");
    String passwordEnv = m.nonEmpty("password_env");
    if (passwordEnv != null && !ENV_NAME.matcher(passwordEnv).matches()) {
      // Not echoed: someone may have written the password itself here.
      m.error("password_env", "must be the NAME of an environment variable (letters, digits and '_', not starting with a digit),"
          + " not the password itself: " + ConfigReader.NO_SECRETS);
    }
    String masterKeyFile = m.nonEmpty("master_key_file");
    if (masterKeyFile != null && PastedSecrets.isMasterKey(masterKeyFile)) {
      m.error("master_key_file", "must be the path of the key file, not the key itself: " + ConfigReader.NO_SECRETS
          + "; set the environment variable TOOLGATE_MASTER_KEY to the key, or write it to a file and name that file here");
      masterKeyFile = null;
    }
    if (kindKnown) {
      String kindNote = kindText == null ? "store.kind is sqlite, the default" : "store.kind is " + kindText;
      if (kind == StoreSettings.Kind.SQLITE) {
        for (String key : List.of("url", "user", "password_env")) {
          if (m.written(key)) {
            problems.add(m.lineOf(key), m.field(key), "applies to kind postgresql only (" + kindNote + ")");
          }
        }
      } else {
        if (m.written("path")) {
          problems.add(m.lineOf("path"), m.field("path"), "applies to kind sqlite only (" + kindNote + "; use `url`)");
        }
        m.require("url", "kind postgresql needs the JDBC URL of the database, e.g. jdbc:postgresql://127.0.0.1:5432/toolgate");
      }
    }
    boolean sqlite = kind == StoreSettings.Kind.SQLITE;
    StoreSettings settings = new StoreSettings(
        kind,
        sqlite ? resolve(m, "path", path != null ? path : d.path()) : null,
        sqlite ? null : url,
        sqlite ? null : user,
        sqlite ? null : passwordEnv,
        resolve(m, "master_key_file", masterKeyFile != null ? masterKeyFile : d.masterKeyFile()),
        sqlite || passwordEnv == null ? null : new ConfigLocation(source, m.lineOf("password_env"), m.field("password_env")));
    return PreviousMasterKeyReader.read(m, settings, baseDir);
  }

  private static Map<String, String> withAll(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new HashMap<>(a);
    all.putAll(b);
    return Map.copyOf(all);
  }

  /** The URL itself is never echoed: it may carry a password. */
  private static void checkJdbcUrl(YamlMap m, String url) {
    if (!url.startsWith(JDBC_PREFIX)) {
      m.error("url", "must start with " + JDBC_PREFIX + " (e.g. jdbc:postgresql://127.0.0.1:5432/toolgate)");
      return;
    }
    if (url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      m.error("url", "must not contain spaces or control characters");
      return;
    }
    String rest = url.substring(JDBC_PREFIX.length());
    String authority = rest.split("[/?#]", 2)[0];
    if (authority.isEmpty()) {
      m.error("url", "must name a host after " + JDBC_PREFIX + " (e.g. jdbc:postgresql://127.0.0.1:5432/toolgate)");
    } else if (authority.contains("@")) {
      m.error("url", "must not contain user info (user:password@): " + ConfigReader.NO_SECRETS + "; use `user` and `password_env`");
    } else if (Pattern.compile("[?&]password=", Pattern.CASE_INSENSITIVE).matcher(rest).find()) {
      m.error("url", "must not carry a password parameter: " + ConfigReader.NO_SECRETS + "; use `password_env`");
    }
  }

  /** Relative paths are resolved against the directory of the config file; absolute ones are kept. */
  private String resolve(YamlMap m, String key, String path) {
    try {
      Path p = Path.of(path);
      return p.isAbsolute() ? path : baseDir.resolve(p).normalize().toString();
    } catch (InvalidPathException e) {
      m.error(key, "invalid file path: " + e.getReason());
      return path;
    }
  }
}
