package dev.toolgate.core.route;

import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.ToolConfig;

/** A tool ready for matching: its config, its parsed path and the platform settings its credentials use. */
public record Route(ToolConfig tool, PathPattern pattern, PlatformConfig platform) {
  public String name() {
    return tool.name();
  }

  /** Whether a check reads the body: a signature over it, or a user token inside it. */
  public boolean needsBody() {
    var policy = tool.policy();
    return policy.requires(dev.toolgate.core.config.CredentialKind.SENDBIRD_SIGNATURE)
        || policy.requires(dev.toolgate.core.config.CredentialKind.STANDARD_WEBHOOKS)
        || policy.requires(dev.toolgate.core.config.CredentialKind.STRIPE_SIGNATURE)
        || policy.requires(dev.toolgate.core.config.CredentialKind.USER_TOKEN) && policy.userToken() != null && policy.userToken().bodyPointer() != null;
  }

  public boolean acceptsMethod(String method) {
    return tool.method().equals("*") || tool.method().equals(method);
  }
}
