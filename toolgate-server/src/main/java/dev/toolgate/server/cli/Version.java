package dev.toolgate.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** {@code toolgate --version}: the version the build wrote into {@value #RESOURCE}. */
final class Version implements CommandLine.IVersionProvider {
  static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() {
    String v = version();
    return new String[] {"toolgate " + (v == null ? "development build" : v)};
  }

  /** The project version, or null when the classes were not built by Maven (e.g. compiled by an IDE alone). */
  static String version() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return null;
      }
      Properties properties = new Properties();
      properties.load(in);
      String v = properties.getProperty("version");
      return v == null || v.isBlank() || v.startsWith("${") ? null : v.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
