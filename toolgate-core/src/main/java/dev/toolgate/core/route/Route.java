package dev.toolgate.core.route;

import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.ToolConfig;

/** A tool ready for matching: its config, its parsed path and the platform settings its credentials use. */
public record Route(ToolConfig tool, PathPattern pattern, PlatformConfig platform) {
  public String name() {
    return tool.name();
  }

  public boolean acceptsMethod(String method) {
    return tool.method().equals("*") || tool.method().equals(method);
  }
}
