package dev.toolgate.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code toolgate --version}: the version and git commit the build wrote into {@value #RESOURCE}
 * (a class-path resource, so it is found in the jar and in the container image's class directories alike).
 */
final class Version implements CommandLine.IVersionProvider {
  static final String RESOURCE = "version.properties";

  /** What the build wrote, or null for a value it did not fill in (classes compiled by an IDE alone). */
  record Built(String version, String commit) {}

  @Override
  public String[] getVersion() {
    Built b = built();
    String version = b.version() == null ? "development build" : b.version();
    return new String[] {"toolgate " + version + " (commit " + (b.commit() == null ? "unknown" : b.commit()) + ")"};
  }

  /** The project version, or null when the classes were not built by Maven. */
  static String version() {
    return built().version();
  }

  static Built built() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return new Built(null, null);
      }
      Properties properties = new Properties();
      properties.load(in);
      return new Built(filled(properties.getProperty("version")), filled(properties.getProperty("commit")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String filled(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? null : value.strip();
  }
}
