package dev.toolgate.core.engine;

import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.ToolRateLimit;
import java.util.List;

/** The key of one rate-limit bucket of a tool: which tool, and who is counted (client, user, IP). */
final class BucketKey {
  private BucketKey() {}

  /**
   * e.g. {@code rl:order_status:client=c1|user=u7}; a missing client or user is {@code -}; '|' and '%' in a value are escaped.
   * A tool's second limit with the same {@code per} as an earlier one ({@code twin} 1) ends in {@code |#2}, and so on: each
   * limit has a bucket of its own, found again under the same key when a reloaded configuration changes its size.
   */
  static String of(String tool, ToolRateLimit limit, int twin, String clientId, String subject, String ip) {
    StringBuilder key = new StringBuilder("rl:").append(limit.bucket() == null ? tool : limit.bucket()).append(':');
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
    if (twin > 0) {
      key.append("|#").append(twin + 1); // a value cannot end a part with it: '|' in a value is escaped
    }
    return key.toString();
  }

  /**
   * A value as it goes in a bucket key: '|' separates the parts, so it (and '%', the escape) is
   * percent-encoded. A user id from a token may hold any character; it must not be able to spell
   * another bucket's key ({@code alice|ip=192.0.2.1}).
   */
  /** How many of the limits before {@code index} count by the same {@code per} as it does. */
  static int twin(List<ToolRateLimit> limits, int index) {
    int twins = 0;
    for (int i = 0; i < index; i++) {
      if (limits.get(i).per().equals(limits.get(index).per()) && java.util.Objects.equals(limits.get(i).bucket(), limits.get(index).bucket())) {
        twins++;
      }
    }
    return twins;
  }

  private static String escaped(String value) {
    if (value.indexOf('|') < 0 && value.indexOf('%') < 0) {
      return value;
    }
    return value.replace("%", "%25").replace("|", "%7C");
  }
}
