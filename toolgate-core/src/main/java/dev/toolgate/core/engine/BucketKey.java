package dev.toolgate.core.engine;

import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.ToolRateLimit;

/** The key of one rate-limit bucket of a tool: which tool, and who is counted (client, user, IP). */
final class BucketKey {
  private BucketKey() {}

  /** e.g. {@code rl:order_status:client=c1|user=u7}; a missing client or user is {@code -}; '|' and '%' in a value are escaped. */
  static String of(String tool, ToolRateLimit limit, String clientId, String subject, String ip) {
    StringBuilder key = new StringBuilder("rl:").append(tool).append(':');
    for (int i = 0; i < limit.per().size(); i++) {
      if (i > 0) {
        key.append('|');
      }
      LimitKey kind = limit.per().get(i);
      key.append(kind.yamlName());
      switch (kind) {
        case CLIENT -> key.append('=').append(clientId == null ? "-" : escaped(clientId));
        case USER -> key.append('=').append(subject == null ? "-" : escaped(subject));
        case IP -> key.append('=').append(escaped(ip));
        case TOOL -> { } // the tool's total: the tool name is already in the key
      }
    }
    return key.toString();
  }

  /**
   * A value as it goes in a bucket key: '|' separates the parts, so it (and '%', the escape) is
   * percent-encoded. A user id from a token may hold any character; it must not be able to spell
   * another bucket's key ({@code alice|ip=192.0.2.1}).
   */
  private static String escaped(String value) {
    if (value.indexOf('|') < 0 && value.indexOf('%') < 0) {
      return value;
    }
    return value.replace("%", "%25").replace("|", "%7C");
  }
}
