package dev.toolgate.server.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Lua script run with {@link RedisConnector#evalScript}: its name (for logs), its source, and the
 * SHA-1 of the source that {@code EVALSHA} names it by.
 *
 * @param name a short name, e.g. the resource's file name without {@code .lua}
 * @param source the Lua source
 * @param sha1 lower-case hex SHA-1 of the source's UTF-8 bytes
 */
public record RedisScript(String name, String source, String sha1) {
  public RedisScript {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    if (!sha1(source).equals(sha1)) {
      throw new IllegalArgumentException("sha1 is not the SHA-1 of the source of script " + name);
    }
  }

  /** A script from its source. */
  public static RedisScript of(String name, String source) {
    return new RedisScript(name, source, sha1(source));
  }

  /**
   * A script from a class-path resource (UTF-8), e.g. {@code dev/toolgate/server/limit/gcra.lua};
   * its name is the file name without {@code .lua}.
   *
   * @throws IllegalStateException when the resource is missing
   */
  public static RedisScript load(String resource) {
    String path = resource.startsWith("/") ? resource.substring(1) : resource;
    try (InputStream in = RedisScript.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Redis script " + path + " is missing from the class path");
      }
      String file = path.substring(path.lastIndexOf('/') + 1);
      String name = file.endsWith(".lua") ? file.substring(0, file.length() - 4) : file;
      return of(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Redis script " + path, e);
    }
  }

  static String sha1(String source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  /** Without the source, which can be long. */
  @Override
  public String toString() {
    return "RedisScript[" + name + ", " + sha1 + "]";
  }
}
