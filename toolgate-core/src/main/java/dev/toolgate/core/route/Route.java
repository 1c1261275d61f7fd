package dev.toolgate.core.route;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.ToolConfig;

/** A tool ready for matching: its config, its parsed path and the platform settings its credentials use. */
public record Route(ToolConfig tool, PathPattern pattern, PlatformConfig platform) {
  public String name() {
    return tool.name();
  }

  /** Whether a check reads the body: a signature over it, or a user token, an identity or an owner inside it. */
  public boolean needsBody() {
    var policy = tool.policy();
    return policy.requires(CredentialKind.SENDBIRD_SIGNATURE)
        || policy.requires(CredentialKind.STANDARD_WEBHOOKS)
        || policy.requires(CredentialKind.STRIPE_SIGNATURE)
        || policy.requires(CredentialKind.USER_TOKEN) && policy.userToken() != null && policy.userToken().bodyPointer() != null
        || tool.user() != null && tool.user().identities().values().stream().anyMatch(l -> l.place() == IdentityLocation.Place.BODY)
        || tool.owner() != null && tool.owner().location().place() == IdentityLocation.Place.BODY;
  }

  public boolean acceptsMethod(String method) {
    return tool.method().equals("*") || tool.method().equals(method);
  }
}
