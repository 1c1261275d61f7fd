package dev.toolgate.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON Schema (draft 2020-12) of {@code toolgate.yaml}, for editors: key completion,
 * descriptions, and most mistakes flagged as they are typed. It is {@code docs/toolgate.schema.json}
 * of the repository, shipped in the jar as the class-path resource {@value #RESOURCE}. The loader
 * stays the authority: it also checks what a schema cannot (references between sections, route
 * overlaps, duplicate names).
 */
public final class ConfigSchema {
  /** Class-path resource holding the schema, at the root of the jar. */
  public static final String RESOURCE = "/toolgate.schema.json";
  /** The file name {@code toolgate init} writes it under, next to the configuration it names it in. */
  public static final String FILE_NAME = "toolgate.schema.json";

  private ConfigSchema() {}

  /** The schema, UTF-8 JSON text. */
  public static String text() {
    try (InputStream in = ConfigSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
