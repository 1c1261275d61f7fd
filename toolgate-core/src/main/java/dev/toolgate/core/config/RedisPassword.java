package dev.toolgate.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the Redis password comes from: an environment variable ({@code redis.password_env}) or a
 * file ({@code redis.password_file}). Holds the variable's name or the file's path, never the
 * password: the server reads it once at start ({@link #read}), and nothing here can print it.
 *
 * @param source environment variable or file
 * @param name the variable's name, or the file's absolute path
 * @param at where the key was written, for errors that point at the line; null for settings made in code
 */
public record RedisPassword(Source source, String name, ConfigLocation at) {
  /** Where the password is kept. */
  public enum Source { ENV, FILE }

  /** Longest password file read: a password is a line, not a document. */
  static final int MAX_FILE_BYTES = 4096;

  public RedisPassword {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
  }

  /**
   * The password, read now. A file's content is taken as it is, less one final line break.
   *
   * @param env the environment ({@code System::getenv} in the server)
   * @throws ConfigException (with the file and line of the setting) when the variable is unset or
   *     empty, or the file cannot be read or is empty; the message never repeats a value
   */
  public char[] read(Function<String, String> env) {
    return source == Source.ENV ? fromEnv(env) : fromFile();
  }

  private char[] fromEnv(Function<String, String> env) {
    String value = env.apply(name);
    if (value == null || value.isEmpty()) {
      // Not named: a password written where the variable's name belongs would be printed.
      throw error("the environment variable it names is not set (or is empty). It must be the NAME of an environment"
          + " variable that holds the Redis password (e.g. TOOLGATE_REDIS_PASSWORD), never the password itself;"
          + " the value is not repeated here in case it is one");
    }
    return value.toCharArray();
  }

  private char[] fromFile() {
    byte[] bytes;
    try {
      bytes = readBounded(Path.of(name));
    } catch (IOException | InvalidPathException | SecurityException e) {
      // The path is not repeated: it is on the line named, and may be a pasted password.
      throw error("cannot read the file it names (" + e.getClass().getSimpleName() + "); it must be the path of a file"
          + " holding the Redis password, readable by Toolgate");
    }
    if (bytes == null) {
      throw error("the file it names is larger than " + MAX_FILE_BYTES + " bytes; it must hold the Redis password alone");
    }
    char[] text;
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      text = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
      Arrays.fill(chars.array(), '\0');
    } catch (CharacterCodingException e) {
      throw error("the file it names is not UTF-8 text");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    int end = text.length;
    if (end > 0 && text[end - 1] == '\n') {
      end--;
      if (end > 0 && text[end - 1] == '\r') {
        end--;
      }
    }
    char[] password = Arrays.copyOf(text, end);
    Arrays.fill(text, '\0');
    if (password.length == 0) {
      throw error("the file it names is empty; it must hold the Redis password");
    }
    return password;
  }

  /** The file's bytes, or null when it holds more than {@link #MAX_FILE_BYTES}. */
  private static byte[] readBounded(Path path) throws IOException {
    try (var in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        Arrays.fill(bytes, (byte) 0);
        return null;
      }
      return bytes;
    }
  }

  private RuntimeException error(String problem) {
    String field = source == Source.ENV ? "redis.password_env" : "redis.password_file";
    return at != null ? at.error(problem) : new IllegalStateException(field + ": " + problem);
  }
}
