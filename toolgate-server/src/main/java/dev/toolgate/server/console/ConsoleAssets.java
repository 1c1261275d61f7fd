package dev.toolgate.server.console;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The console's files (HTML, CSS, ES modules, images) from {@code console/} in the jar, read once at
 * start into memory. A request names one of them by its exact relative path or gets nothing: there is
 * no file system behind the URL to walk out of, and no directory to list.
 */
final class ConsoleAssets {
  static final String ROOT = "console";
  static final String INDEX = "index.html";
  /** Lower-case names, one dot before a known extension, no dot segments possible. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*\\.(html|css|js|svg|png)");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png");

  /** One file: its bytes, content type and a strong ETag. */
  record Asset(String name, Buffer content, String contentType, String etag) {
    boolean isHtml() {
      return name.endsWith(".html");
    }
  }

  private final Map<String, Asset> byName;

  private ConsoleAssets(Map<String, Asset> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** The file of this relative path ({@code app.js}, {@code pages/audit.js}), if there is one. */
  Optional<Asset> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  java.util.Set<String> names() {
    return byName.keySet();
  }

  /** Reads every file under {@code console/} on the class path (a directory in development, the jar otherwise). */
  static ConsoleAssets load() {
    URL index = ConsoleAssets.class.getClassLoader().getResource(ROOT + "/" + INDEX);
    if (index == null) {
      throw new IllegalStateException("the web console's files (console/index.html) are missing from the class path");
    }
    try {
      URI uri = index.toURI();
      if (!uri.getScheme().equals("jar")) {
        return read(Path.of(uri).getParent());
      }
      FileSystem jar;
      boolean ours = true;
      try {
        jar = FileSystems.newFileSystem(uri, Map.of());
      } catch (FileSystemAlreadyExistsException e) {
        jar = FileSystems.getFileSystem(uri); // someone else's: not ours to close
        ours = false;
      }
      try {
        return read(jar.provider().getPath(uri).getParent());
      } finally {
        if (ours) {
          jar.close();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the web console's files", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot read the web console's files: " + e.getMessage(), e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + java.util.HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ConsoleAssets read(Path root) throws IOException {
    Map<String, Asset> assets = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = root.relativize(file).toString().replace('\\', '/');
        if (!NAME.matcher(name).matches()) {
          throw new IllegalStateException("console file '" + name + "' is not named like the others (lower case, a-z 0-9 -, one known extension)");
        }
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        byte[] bytes = Files.readAllBytes(file);
        assets.put(name, new Asset(name, Buffer.buffer(bytes), TYPES.get(extension), etag(bytes)));
      }
    }
    if (!assets.containsKey(INDEX)) {
      throw new IllegalStateException("console/index.html is missing");
    }
    return new ConsoleAssets(assets);
  }
}
