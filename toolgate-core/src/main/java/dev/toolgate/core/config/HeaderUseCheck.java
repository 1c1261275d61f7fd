package dev.toolgate.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Two credentials read from one header would compete for it: a request carries one value of a
 * header. A user token or external JWT must also stay out of the headers where the platform sends
 * its signature and API keys. Run on a policy without other errors.
 */
final class HeaderUseCheck {
  /** Where something is written, for messages. */
  record Where(int line, String field) {}

  /** The fixed headers of a Standard Webhooks signature (dev.toolgate.core.credential.StandardWebhooksVerifier). */
  private static final List<String> STANDARD_WEBHOOKS_HEADERS = List.of("webhook-id", "webhook-timestamp", "webhook-signature");

  /** One header a required credential is read from, and where the policy says so (for messages). */
  private record HeaderUse(CredentialKind kind, String header, String scheme, int line, String field, boolean configurable, int order) {
    String shown() {
      String name = header.equals("authorization") ? "Authorization" : header;
      return scheme == null || scheme.isEmpty() ? name : name + ": " + scheme;
    }
  }

  private HeaderUseCheck() {}

  /**
   * @param items each required kind's item in {@code require}, and {@code fields} its field path
   * @param headerWritten where a kind's header is written (its header key, or its section), when it is
   * @param platform the tool's platform (its defaults when the tool names none); null when unknown
   */
  static void check(Problems problems, List<CredentialKind> kinds, Map<CredentialKind, Node> items, Map<CredentialKind, String> fields,
      Map<CredentialKind, Where> headerWritten, PlatformConfig platform, UserTokenPolicy userToken, ExternalJwtPolicy externalJwt) {
    List<HeaderUse> uses = new ArrayList<>();
    for (CredentialKind kind : kinds) {
      // Reported at the header key when written (or the section), else at the kind in `require`.
      Where where = headerWritten.getOrDefault(kind, new Where(Yaml.line(items.get(kind)), fields.get(kind)));
      int line = where.line();
      String field = where.field();
      int order = uses.size();
      switch (kind) {
        case SENDBIRD_SIGNATURE -> {
          if (platform != null) {
            uses.add(new HeaderUse(kind, platform.signatureHeader(), null, line, field, false, order));
          }
        }
        case API_KEY -> {
          if (platform != null) {
            uses.add(new HeaderUse(kind, platform.apiKeyHeader(), null, line, field, false, order));
          }
        }
        case STATIC_TOKEN, CLIENT_TOKEN -> uses.add(new HeaderUse(kind, "authorization", "Bearer", line, field, false, order));
        case USER_TOKEN -> {
          if (userToken.header() != null) {
            uses.add(new HeaderUse(kind, userToken.header(), userToken.scheme(), line, field, true, order));
          }
        }
        case EXTERNAL_JWT -> uses.add(new HeaderUse(kind, externalJwt.header(), externalJwt.scheme(), line, field, true, order));
        case STANDARD_WEBHOOKS -> {
          for (String header : STANDARD_WEBHOOKS_HEADERS) {
            uses.add(new HeaderUse(kind, header, null, line, field, false, uses.size()));
          }
        }
        case STRIPE_SIGNATURE -> {
          if (platform != null) {
            uses.add(new HeaderUse(kind, platform.stripeSignatureHeader(), null, line, field, false, order));
          }
        }
      }
    }
    List<HeaderUse> remaining = new ArrayList<>();
    for (HeaderUse use : uses) {
      String platformKey = null;
      if (use.configurable() && platform != null) {
        if (use.header().equals(platform.apiKeyHeader())) {
          platformKey = "api_key_header";
        } else if (use.header().equals(platform.signatureHeader())) {
          platformKey = "signature_header";
        } else if (use.header().equals(platform.stripeSignatureHeader())) {
          platformKey = "stripe_signature_header";
        }
      }
      if (platformKey == null) {
        remaining.add(use);
        continue;
      }
      String whose = platform.name().isEmpty() ? "the default " + platformKey + " (the tool names no platform)"
          : "the " + platformKey + " of platform '" + platform.name() + "'";
      problems.add(use.line(), use.field(), use.kind().yamlName() + " reads the header '" + use.header() + "', which is " + whose
          + ", where the platform sends its " + (platformKey.equals("api_key_header") ? "API keys" : "request signature")
          + ": set " + use.kind().yamlName() + ".header to another header");
    }
    for (int j = 0; j < remaining.size(); j++) {
      for (int i = 0; i < j; i++) {
        HeaderUse a = remaining.get(i);
        HeaderUse b = remaining.get(j);
        if (!a.header().equals(b.header())) {
          continue;
        }
        boolean bLater = b.line() > a.line() || b.line() == a.line() && b.order() > a.order();
        HeaderUse first = bLater ? a : b;
        HeaderUse later = bLater ? b : a;
        String name = a.header().equals("authorization") ? "Authorization" : a.header();
        String what = first.shown().equals(later.shown())
            ? first.kind().yamlName() + " and " + later.kind().yamlName() + " both read `" + first.shown() + " ...`"
            : first.kind().yamlName() + " (`" + first.shown() + " ...`) and " + later.kind().yamlName() + " (`" + later.shown()
                + " ...`) both read the " + name + " header";
        HeaderUse movable = later.configurable() ? later : first.configurable() ? first : null;
        String advice = movable != null
            ? "set " + movable.kind().yamlName() + ".header to another header"
            : "require only one of them";
        problems.add(later.line(), later.field(), what + ": they would compete for one header (a request carries one "
            + name + " value); " + advice);
      }
    }
  }
}
