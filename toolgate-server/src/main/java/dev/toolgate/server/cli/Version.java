package dev.toolgate.server.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = ToolgateCli.class.getPackage().getImplementationVersion();
    return new String[] {"toolgate " + (v == null ? "development build" : v)};
  }
}
