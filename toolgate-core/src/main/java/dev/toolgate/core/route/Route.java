package dev.toolgate.core.route;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.credential.StandardWebhooksVerifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A tool ready for matching: its config, its parsed path and the platform settings its credentials use. */
public record Route(ToolConfig tool, PathPattern pattern, PlatformConfig platform) {
  public String name() {
    return tool.name();
  }

  /** Whether a check reads the body: a signature over it, or a user token, an identity or an owner inside it. */
  public boolean needsBody() {
    var policy = tool.policy();
    return tool.isMcp() // the JSON-RPC messages say which method and tool the call is
        || policy.requires(CredentialKind.SENDBIRD_SIGNATURE)
        || policy.requires(CredentialKind.STANDARD_WEBHOOKS)
        || policy.requires(CredentialKind.STRIPE_SIGNATURE)
        || policy.requires(CredentialKind.USER_TOKEN) && policy.userToken() != null && policy.userToken().bodyPointer() != null
        || tool.user() != null && tool.user().identities().values().stream().anyMatch(l -> l.place() == IdentityLocation.Place.BODY)
        || tool.owner() != null && tool.owner().location().place() == IdentityLocation.Place.BODY;
  }

  /**
   * Lower-case names of the headers this tool's checks read: the framing and body headers
   * ({@code host}, {@code content-length}, {@code content-type}), every header a required credential
   * is read from, and every header an identity or the owner is read from. A call whose
   * {@code Connection} lists one of them is refused, since forwarding would remove it.
   */
  public Set<String> headersRead() {
    List<String> names = new ArrayList<>(List.of("host", "content-length", "content-type"));
    Policy policy = tool.policy();
    for (CredentialKind kind : policy.require()) {
      switch (kind) {
        case SENDBIRD_SIGNATURE -> names.add(platform.signatureHeader());
        case STATIC_TOKEN, CLIENT_TOKEN -> names.add("authorization");
        case API_KEY -> names.add(platform.apiKeyHeader());
        case USER_TOKEN -> {
          if (policy.userToken().header() != null) {
            names.add(policy.userToken().header());
          }
        }
        case EXTERNAL_JWT -> names.add(policy.externalJwt().header());
        case STANDARD_WEBHOOKS -> names.addAll(List.of(StandardWebhooksVerifier.ID_HEADER, StandardWebhooksVerifier.TIMESTAMP_HEADER,
            StandardWebhooksVerifier.SIGNATURE_HEADER));
        case STRIPE_SIGNATURE -> names.add(platform.stripeSignatureHeader());
      }
    }
    List<IdentityLocation> places = new ArrayList<>();
    if (tool.user() != null) {
      places.addAll(tool.user().identities().values());
    }
    if (tool.owner() != null) {
      places.add(tool.owner().location());
    }
    for (IdentityLocation place : places) {
      if (place.place() == IdentityLocation.Place.HEADER) {
        names.add(place.name());
      }
    }
    Set<String> lower = new HashSet<>();
    names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT))); // config stores them lower case; be sure
    return Set.copyOf(lower);
  }

  public boolean acceptsMethod(String method) {
    return tool.method().equals("*") || tool.method().equals(method);
  }
}
