package dev.toolgate.server.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --server} on a command the admin API cannot do (it works on files, the store's keys or
 * this machine's processes): refused as a usage error that says so, rather than an unknown option.
 * {@code TOOLGATE_SERVER} is not read by these commands.
 */
final class NoServer {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--server", paramLabel = "URL", hidden = true)
  void server(String url) {
    throw new ParameterException(spec.commandLine(), "`" + spec.qualifiedName() + "` cannot run through a server's admin API (--server):"
        + " it works on this machine (files, the store and its master key, processes); run it where those are");
  }
}
