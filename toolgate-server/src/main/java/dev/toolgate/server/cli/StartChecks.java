package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.RedisSettings;
import dev.toolgate.core.config.StoreSettings;
import dev.toolgate.core.pki.TlsFiles;
import dev.toolgate.server.oauth.client.InitialAccessToken;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.MasterKeyException;
import dev.toolgate.server.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What {@code serve} checks at start beyond the file itself that needs neither the store nor the
 * network: the files and environment variables the file names. The SQLite database's directory,
 * the database password's variable, the master keys (the current one when given, the previous one
 * during a rotation), the Redis password, and the TLS files (certificate and key, client and
 * upstream CA bundles) as serve reads them, and the registration's initial access token. Whether the store holds data that needs a key that
 * does not exist yet is the store's to say, and is not checked here.
 */
final class StartChecks {
  private StartChecks() {}

  /** One line per problem: {@code file:line: field: problem} when the setting's line is known, else {@code file: problem}. */
  static List<String> problems(GatewayConfig config, Function<String, String> env) {
    List<String> problems = new ArrayList<>();
    StoreSettings store = config.store();
    if (store.kind() == StoreSettings.Kind.SQLITE) {
      Path directory = Path.of(store.path()).toAbsolutePath().getParent();
      if (directory != null && !Files.isDirectory(directory)) {
        problems.add(config.source() + ": store.path: the SQLite database's directory " + directory + " does not exist;"
            + " Toolgate creates the database file on first start, not its directory");
      }
    } else {
      check(problems, config, () -> Database.checkPassword(store, env));
    }
    check(problems, config, () -> masterKey(store, env, problems, config.source()));
    check(problems, config, () -> MasterKey.loadPrevious(store, env));
    check(problems, config, () -> TlsFiles.check(config, Instant.now()));
    config.redis().flatMap(RedisSettings::password).ifPresent(password -> check(problems, config, () -> Arrays.fill(password.read(env), '\0')));
    String registration = InitialAccessToken.problem(config.authorizationServer().codeFlow().registration(), env);
    if (registration != null) {
      problems.add(config.source() + ": " + registration);
    }
    return problems;
  }

  /** The master key when one is given (variable or existing file); otherwise, that serve can create its file. */
  private static void masterKey(StoreSettings store, Function<String, String> env, List<String> problems, Path source) {
    String fromEnv = env.apply(MasterKey.ENV_VAR);
    String file = store.masterKeyFile();
    if ((fromEnv != null && !fromEnv.isBlank()) || file == null || file.isBlank() || Files.exists(Path.of(file))) {
      MasterKey.load(store, env, "validate never creates one");
      return;
    }
    Path directory = Path.of(file).toAbsolutePath().getParent();
    if (directory != null && !Files.isDirectory(directory)) {
      problems.add(source + ": store.master_key_file: neither the key file " + Path.of(file).toAbsolutePath() + " nor its directory exists;"
          + " Toolgate creates the key file on first start (without " + MasterKey.ENV_VAR + "), not its directory");
    }
  }

  private static void check(List<String> problems, GatewayConfig config, Runnable check) {
    try {
      check.run();
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    } catch (MasterKeyException | StoreException e) {
      problems.add(config.source() + ": " + e.getMessage());
    }
  }
}
