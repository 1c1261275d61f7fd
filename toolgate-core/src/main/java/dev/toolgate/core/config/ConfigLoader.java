package dev.toolgate.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads and validates {@code toolgate.yaml} (format: {@code docs/configuration.md}).
 *
 * <p>Every error names the file, the line and the field path, e.g.
 * {@code toolgate.yaml:14: tools[2].policy.require[1]: unknown credential kind 'apikey' (known: sendbird_signature, static_token, api_key)}.
 * All errors of a file are reported at once: the thrown {@link ConfigException}'s {@code line()} and
 * {@code field()} are those of the first (in file order), its message lists every error, one per line.
 * Line 0 means the whole file (it cannot be read, or is too large).
 *
 * <p>The YAML is read safely: only a node tree is composed (no objects constructed, no custom tags),
 * aliases to collections and nesting depth are bounded, the document is at most 1 MiB, duplicate
 * keys are errors. Nothing is read from the environment.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Reads and validates a configuration file. Relative store paths are resolved against the file's
   * directory.
   *
   * @throws ConfigException if the file cannot be read or is not a valid configuration
   */
  public static GatewayConfig load(Path file) {
    return parse(read(file), file);
  }

  /**
   * The bytes of a configuration file, at most 1 MiB: what a server hashes
   * into its configuration version before it {@link #parse(byte[], Path) parses} exactly those.
   *
   * @throws ConfigException if the file cannot be read or is too large
   */
  public static byte[] read(Path file) {
    Objects.requireNonNull(file, "file");
    // Not a FIFO (opening it waits for a writer, and a reload with it) nor a device (/dev/zero never ends).
    if (Files.exists(file) && !Files.isDirectory(file) && !Files.isRegularFile(file)) {
      throw new ConfigException(file, 0, "(file)", "cannot read the file: not a regular file (a FIFO, a device?)");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(SafeYaml.MAX_CHARS + 1); // bounded: the file may grow while it is read
      if (bytes.length > SafeYaml.MAX_CHARS) {
        throw tooLarge(file);
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new ConfigException(file, 0, "(file)", "no such file (`toolgate init` writes a commented starter configuration)");
    } catch (IOException e) {
      throw new ConfigException(file, 0, "(file)", "cannot read the file: " + e.getClass().getSimpleName()
          + (e.getMessage() != null ? " " + e.getMessage() : ""));
    }
  }

  /**
   * Validates the bytes of a configuration file (UTF-8).
   *
   * @throws ConfigException listing every error found
   */
  public static GatewayConfig parse(byte[] bytes, Path file) {
    Objects.requireNonNull(file, "file");
    if (bytes.length > SafeYaml.MAX_CHARS) {
      throw tooLarge(file);
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      return parse(text, file);
    } catch (CharacterCodingException e) {
      throw new ConfigException(file, 0, "(file)", "not UTF-8 text");
    }
  }

  private static ConfigException tooLarge(Path file) {
    return new ConfigException(file, 0, "(file)", "the file is larger than " + (SafeYaml.MAX_CHARS >> 10)
        + " KiB; a configuration is a few KiB");
  }

  /**
   * Validates configuration text.
   *
   * @param yaml the content of a {@code toolgate.yaml}
   * @param sourceNameForMessages the file the text came from: named in error messages and recorded as
   *     {@link GatewayConfig#source()}; relative store paths are resolved against its directory (the
   *     working directory when it has none)
   * @throws ConfigException listing every error found
   */
  public static GatewayConfig parse(String yaml, Path sourceNameForMessages) {
    Objects.requireNonNull(yaml, "yaml");
    Path source = Objects.requireNonNull(sourceNameForMessages, "sourceNameForMessages");
    if (yaml.startsWith("\uFEFF")) {
      yaml = yaml.substring(1);
    }
    Optional<Node> document;
    try {
      document = SafeYaml.compose(yaml);
    } catch (SafeYaml.YamlSyntaxException e) {
      throw new ConfigException(source, e.line, "(yaml)", e.getMessage());
    }
    Problems problems = new Problems(source);
    GatewayConfig config = new ConfigReader(source, problems).read(document);
    problems.throwIfAny();
    return Objects.requireNonNull(config);
  }
}
