package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteDataSource;

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
  public void migrateTo(String version) {
    SQLiteDataSource source = new SQLiteDataSource();
    source.setUrl("jdbc:sqlite:" + file().toAbsolutePath());
    Flyway.configure().dataSource(source).locations(Database.MIGRATIONS).target(version).load().migrate();
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file().toAbsolutePath());
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
