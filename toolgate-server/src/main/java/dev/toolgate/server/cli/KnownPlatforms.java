package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.admin.KnownNames;
import java.util.Set;

/** A platform name given on the command line must be one the configuration uses: a typo would make every later call fail. */
final class KnownPlatforms {
  /**
   * The platform of clients that only use the authorization code flow (MCP clients acting for a
   * user): always known, whatever the configuration lists.
   */
  static final String CODE_FLOW = dev.toolgate.server.oauth.client.AuthorizationClient.PLATFORM;

  private KnownPlatforms() {}

  static void require(GatewayConfig loaded, String platform) {
    Set<String> known = KnownNames.platforms(loaded); // the admin API's rule too
    if (!known.contains(platform)) {
      throw new UserError("platform '" + platform + "' is not used in " + loaded.source() + " (known: " + String.join(", ", known) + ")");
    }
  }
}
