package dev.toolgate.core.config;

/**
 * Argon2id parameters for user passwords (RFC 9106). The defaults are OWASP's first recommended
 * configuration (19 MiB, 2 passes, 1 lane). Changing them affects new hashes only; existing hashes
 * keep the parameters they were made with.
 *
 * @param memoryKib memory per hash in KiB (default 19456; 8192 to 1048576)
 * @param iterations passes over the memory (default 2; 1 to 10)
 * @param parallelism lanes (default 1; 1 to 16)
 */
public record PasswordHashSettings(int memoryKib, int iterations, int parallelism) {
  public static final int MIN_MEMORY_KIB = 8192;
  public static final int MAX_MEMORY_KIB = 1_048_576;
  public static final int MAX_ITERATIONS = 10;
  public static final int MAX_PARALLELISM = 16;

  public static PasswordHashSettings defaults() {
    return new PasswordHashSettings(19_456, 2, 1);
  }
}
