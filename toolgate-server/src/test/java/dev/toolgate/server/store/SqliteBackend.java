package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A SQLite file in a fresh temporary directory, deleted afterwards. */
final class SqliteBackend implements TestBackend {
  private final Path directory;

  SqliteBackend() {
    try {
      directory = Files.createTempDirectory("toolgate-store-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path file() {
    return directory.resolve("toolgate.db");
  }

  Path directory() {
    return directory;
  }

  @Override
  public StoreSettings.Kind kind() {
    return StoreSettings.Kind.SQLITE;
  }

  @Override
  public Database open() {
    return Database.openSqlite(file());
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
