package dev.toolgate.core.config;

import java.util.Objects;

/**
 * A PEM file the configuration names (a certificate chain, a private key, a CA bundle). Only the
 * path is kept: the file is read when the server starts, and again when it reloads, by
 * {@code dev.toolgate.core.pki}, whose errors point at the line that names it.
 *
 * @param path the absolute path (a relative one in the file is resolved against the file's directory)
 * @param at where the path is written, for errors such as {@code toolgate.yaml:7: server.tls.key: ...}
 */
public record PemFile(String path, ConfigLocation at) {
  public PemFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(at, "at");
  }

  /** {@code file:line: field: problem} for this file. */
  public ConfigException error(String problem) {
    return at.error(problem);
  }
}
