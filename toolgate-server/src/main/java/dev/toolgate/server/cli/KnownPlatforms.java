package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import java.util.Objects;
import java.util.TreeSet;

/** A platform name given on the command line must be one the configuration uses: a typo would make every later call fail. */
final class KnownPlatforms {
  /**
   * The platform of clients that only use the authorization code flow (MCP clients acting for a
   * user): always known, whatever the configuration lists.
   */
  static final String CODE_FLOW = dev.toolgate.server.oauth.client.AuthorizationClient.PLATFORM;

  private KnownPlatforms() {}

  static void require(GatewayConfig loaded, String platform) {
    TreeSet<String> known = new TreeSet<>(loaded.platforms().keySet());
    known.add(CODE_FLOW);
    loaded.tools().stream().map(t -> t.platform()).filter(Objects::nonNull).forEach(known::add);
    if (!known.contains(platform)) {
      throw UserError.usage("platform '" + platform + "' is not used in " + loaded.source() + " (known: " + String.join(", ", known) + ")");
    }
  }
}
