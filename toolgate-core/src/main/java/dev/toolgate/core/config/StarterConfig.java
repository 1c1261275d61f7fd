package dev.toolgate.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The commented starter {@code toolgate.yaml} that {@code toolgate init} writes: every key with its
 * default, and example tools (a Sendbird-signed tool, an API key + static token tool, an anonymous
 * one). It is a valid configuration as it stands.
 */
public final class StarterConfig {
  /** Class-path resource holding the text, next to this class. */
  public static final String RESOURCE = "toolgate-starter.yaml";
  /** The file name {@code toolgate init} writes by default. */
  public static final String DEFAULT_FILE_NAME = "toolgate.yaml";

  private StarterConfig() {}

  /** The starter configuration, UTF-8 text with comments. */
  public static String text() {
    try (InputStream in = StarterConfig.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
