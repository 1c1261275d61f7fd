package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.server.store.MasterKeyException;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.StoreConflictException;
import dev.toolgate.server.store.StoreException;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns failures into one clear line on stderr instead of a stack trace, and into the exit code of
 * their kind ({@link ExitCode}); with {@code -o json}, into one JSON object on stderr. Messages
 * never carry secrets: anything shaped like a Toolgate secret is masked.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    ExitCode exit = exitFor(e);
    String message = exit == ExitCode.FAILURE && !expected(e) ? "unexpected error: " + e : e.getMessage();
    report(cli, json(cli), exit, message);
    return exit.value();
  }

  static ExitCode exitFor(Exception e) {
    if (e instanceof UserError u) {
      return u.exit();
    } else if (e instanceof NotFoundException) {
      return ExitCode.NOT_FOUND;
    } else if (e instanceof StoreConflictException) {
      return ExitCode.CONFLICT;
    } else if (e instanceof IllegalArgumentException) {
      return ExitCode.USAGE; // the stores' checks of what was typed: names, lifetimes, passwords
    }
    return ExitCode.FAILURE;
  }

  /** Failures whose message is meant for the user (the rest print their class too). */
  private static boolean expected(Exception e) {
    return e instanceof ConfigException || e instanceof MasterKeyException || e instanceof StoreException
        || e instanceof UserError || (e instanceof IllegalStateException && e.getMessage() != null);
  }

  /** Whether the command that ran asked for JSON (its {@link OutputOption}, once options are set). */
  private static boolean json(CommandLine cli) {
    return cli.getCommandSpec().mixins().values().stream()
        .anyMatch(m -> m.userObject() instanceof OutputOption o && o.json());
  }

  /** Writes a failure: {@code error: MESSAGE}, or {@code {"error": {"code", "message"}}} for JSON output. */
  static void report(CommandLine cli, boolean json, ExitCode exit, String message) {
    PrintWriter err = cli.getErr();
    String safe = Secrets.redact(message);
    if (json) {
      err.println(new JsonObject().put("error", new JsonObject().put("code", exit.code()).put("message", safe)).encode());
    } else {
      err.println(cli.getColorScheme().errorText("error: ") + safe);
    }
    err.flush();
  }
}
