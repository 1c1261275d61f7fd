package dev.toolgate.server.admin;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.server.oauth.client.AuthorizationClient;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The names a client or an API key may use, from the configuration in force now (it follows {@code
 * toolgate reload}): a platform or tool name that is not in it would make every later call fail, so
 * the admin API refuses it, as the CLI does.
 */
public final class KnownNames {
  /** What a client name may be (the CLI's rule too). */
  public static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** Names longer than this are not repeated in an error. */
  private static final int MAX_ECHOED = 64;

  private final Supplier<GatewayConfig> config;

  /** @param config the configuration in force now, read at each request */
  public KnownNames(Supplier<GatewayConfig> config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Platforms a client may belong to: those under {@code platforms:}, those tools name, and
   * {@value AuthorizationClient#PLATFORM} (clients of the authorization code flow), always.
   */
  public static Set<String> platforms(GatewayConfig config) {
    Set<String> known = new TreeSet<>(config.platforms().keySet());
    known.add(AuthorizationClient.PLATFORM);
    config.tools().stream().map(ToolConfig::platform).filter(Objects::nonNull).forEach(known::add);
    return known;
  }

  /** The configured tool names. */
  public static Set<String> tools(GatewayConfig config) {
    Set<String> known = new TreeSet<>();
    config.tools().forEach(t -> known.add(t.name()));
    return known;
  }

  /** Refuses (400) a platform the configuration in force does not use. */
  void requirePlatform(String field, String platform) {
    Set<String> known = platforms(config.get());
    if (!known.contains(platform)) {
      throw new IllegalArgumentException(field + " " + quoted(platform) + " is not used in the configuration (known: " + list(known) + ")");
    }
  }

  /** Refuses (400) a tool the configuration in force does not declare. */
  void requireTools(String field, Collection<String> tools) {
    Set<String> known = tools(config.get());
    for (String tool : tools) {
      if (!known.contains(tool)) {
        throw new IllegalArgumentException(field + ": " + quoted(tool) + " is not a tool of the configuration (known: " + list(known) + ")");
      }
    }
  }

  /** A name as an error repeats it: quoted, or only its length when it is too long to be one. */
  static String quoted(String name) {
    return name.length() <= MAX_ECHOED ? "'" + name + "'" : "(a name of " + name.length() + " characters)";
  }

  private static String list(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
