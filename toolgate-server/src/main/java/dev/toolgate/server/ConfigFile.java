package dev.toolgate.server;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * {@code toolgate.yaml} as a server reads it, at start and at each reload: the file, and what the
 * command line changes in it ({@code serve --port}).
 *
 * @param adjust applied to every configuration read from the file
 */
public record ConfigFile(Path path, UnaryOperator<GatewayConfig> adjust) {
  /** Characters of the SHA-256 (hex) that name a version: enough to tell versions apart, short enough to read. */
  static final int VERSION_CHARS = 12;

  /**
   * One reading of the file.
   *
   * @param version the first {@value #VERSION_CHARS} hex digits of the SHA-256 of the bytes read
   * @param bytes exactly what was parsed
   */
  public record Loaded(GatewayConfig config, String version, byte[] bytes) {
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  public ConfigFile(Path path) {
    this(path, UnaryOperator.identity());
  }

  /**
   * Reads and validates the file; the version is of the very bytes that were validated.
   *
   * @throws dev.toolgate.core.config.ConfigException listing every error, as {@code file:line: field: problem}
   */
  public Loaded load() {
    byte[] bytes = ConfigLoader.read(path);
    return new Loaded(adjust.apply(ConfigLoader.parse(bytes, path)), version(bytes), bytes);
  }

  /** The version of a file with these bytes. */
  public static String version(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, VERSION_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
