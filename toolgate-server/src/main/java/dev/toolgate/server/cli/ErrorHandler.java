package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.server.store.MasterKeyException;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.StoreException;
import dev.toolgate.server.store.StoreConflictException;
import picocli.CommandLine;

/** Turns expected failures into one clear line on stderr instead of a stack trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    String message;
    if (e instanceof ConfigException || e instanceof UserError || e instanceof NotFoundException
        || e instanceof StoreConflictException || e instanceof IllegalArgumentException
        || e instanceof MasterKeyException || e instanceof StoreException) {
      message = e.getMessage();
    } else if (e instanceof IllegalStateException && e.getMessage() != null) {
      message = e.getMessage();
    } else {
      message = "unexpected error: " + e;
    }
    cli.getErr().println(cli.getColorScheme().errorText("error: ") + message);
    return 1;
  }
}
