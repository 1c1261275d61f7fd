package dev.toolgate.core.engine;

import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.route.Route;
import java.util.List;

/** The first check of every call, before any credential is looked at: the client IP against the platform's and the tool's {@code allowed_ips}. */
final class AllowedIps {
  private AllowedIps() {}

  /** The refusal of {@code ip} by the platform's or the tool's {@code allowed_ips}, or null to go on; the trace says which lists were checked. */
  static Decision check(String ip, Route route, List<Check> trace) {
    String platformName = route.tool().platform();
    PlatformConfig platform = platformName == null ? null : route.platform();
    CidrSet platformIps = platform == null ? null : platform.allowedIps();
    CidrSet toolIps = route.tool().allowedIps();
    if (platformIps != null && !platformIps.contains(ip)) {
      String detail = "client address " + ip + " is not in allowed_ips of platform " + platformName;
      trace.add(new Check("allowed_ips", false, detail));
      return Decision.deny(DenialCode.IP_NOT_ALLOWED, detail, null, List.of(), List.of(), trace);
    }
    if (toolIps != null && !toolIps.contains(ip)) {
      String detail = "client address " + ip + " is not in allowed_ips of tool " + route.name();
      trace.add(new Check("allowed_ips", false, detail));
      return Decision.deny(DenialCode.IP_NOT_ALLOWED, detail, null, List.of(), List.of(), trace);
    }
    if (platformIps != null || toolIps != null) {
      String lists = platformIps != null && toolIps != null ? "platform " + platformName + " and tool " + route.name()
          : platformIps != null ? "platform " + platformName : "tool " + route.name();
      trace.add(new Check("allowed_ips", true, "client address " + ip + " is in allowed_ips of " + lists));
    }
    return null;
  }
}
