package dev.toolgate.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.store.Database;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Credential changes from the CLI against SIGKILL: {@code toolgate} commands of the packaged jar work on
 * the store itself (no server), two at a time: client create, token create and rotate, apikey create,
 * rotate and revoke, secret add. About half of them are killed with SIGKILL between 40 % and 95 % of a
 * command's usual run time, when it opens the store or writes to it. Whatever a command printed counts
 * as acknowledged, even when it was killed after printing: the user saw it. Then the store opens
 * cleanly (SQLite: {@code PRAGMA integrity_check}), every acknowledged change is there and whole, no
 * credential is without its client, no rotation is half done ({@link AcknowledgedChanges}), and the CLI
 * still works on the store. Runs until every kind of command was both acknowledged and killed at least
 * once. On SQLite and PostgreSQL.
 */
class CliCrashIT {
  private static final int WORKERS = 2;
  private static final int MAX_COMMANDS = 120;
  private static final String OVERLAP = AcknowledgedChanges.OVERLAP_SECONDS / 3600 + "h";

  private enum Kind { CLIENT, TOKEN, API_KEY, SECRET, ROTATE_TOKEN, ROTATE_API_KEY, REVOKE_API_KEY }

  /** How one command ended: what it printed (null: nothing whole) and whether it was killed. */
  private record Run(JsonObject printed, boolean killed) {}

  @Test
  void sqliteKeepsEveryCredentialChangeTheCliPrintedThroughSigkill() throws Exception {
    ServerProcess.onSqlite("toolgate-clicrash", this::crashRounds);
  }

  @Test
  void postgresqlKeepsEveryCredentialChangeTheCliPrintedThroughSigkill() throws Exception {
    ServerProcess.onPostgres("toolgate-clicrash", this::crashRounds);
  }

  private void crashRounds(Path dir, String storeYaml, ServerProcess.StoreOpener openStore) throws Exception {
    Files.writeString(dir.resolve("toolgate.yaml"), """
        STORE
        platforms:
          sendbird: { api_key_header: api-key }
        tools:
          - { name: open, method: GET, path: "/open/{n}", upstream: "http://127.0.0.1:9/open/{n}", policy: { anonymous: true } }
        """.replace("STORE\n", storeYaml));
    Cli cli = new Cli(dir);
    AcknowledgedChanges seen = new AcknowledgedChanges();
    // The first command creates the schema and the master key, and tells how long a command takes: not killed.
    Run first = cli.run(false, "client", "create", "first", "--platform", "sendbird");
    assertThat(first.printed()).as("the first command's answer").isNotNull();
    seen.clients.add(first.printed().getString("id"));

    Map<Kind, int[]> tally = new EnumMap<>(Kind.class); // per kind: {acknowledged, killed}
    for (Kind kind : Kind.values()) {
      tally.put(kind, new int[2]);
    }
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      running.add(workers.submit(() -> {
        Worker worker = new Worker(cli, seen, tally);
        while (!covered(tally) && cli.commands.get() < MAX_COMMANDS) {
          worker.step();
        }
        return null;
      }));
    }
    for (Future<?> w : running) {
      w.get(15, TimeUnit.MINUTES);
    }
    workers.shutdown();
    synchronized (tally) {
      System.out.printf("CliCrashIT on %s: %d commands; %s%n", storeYaml.contains("postgresql") ? "PostgreSQL" : "SQLite",
          cli.commands.get(), describe(tally));
      assertThat(covered(tally)).as("every kind of command acknowledged and killed within %d commands: %s", MAX_COMMANDS, describe(tally)).isTrue();
    }
    try (Database store = openStore.open(); Connection c = store.dataSource().getConnection()) {
      seen.assertKeptIn(c, 0);
    }
    Run list = cli.run(false, "apikey", "list");
    assertThat(list.printed()).as("apikey list after the kills").isNotNull();
    assertThat(list.printed().getJsonArray("api_keys").size()).isGreaterThanOrEqualTo(
        (int) seen.created.stream().filter(c -> c.table().equals("api_keys")).count());
  }

  private static boolean covered(Map<Kind, int[]> tally) {
    synchronized (tally) {
      return tally.values().stream().allMatch(t -> t[0] > 0 && t[1] > 0);
    }
  }

  private static String describe(Map<Kind, int[]> tally) {
    StringBuilder text = new StringBuilder();
    tally.forEach((kind, t) -> text.append(kind).append(": ").append(t[0]).append(" acknowledged, ").append(t[1]).append(" killed; "));
    return text.toString();
  }

  /** One thread of commands on its own clients, tokens and keys. */
  private static final class Worker {
    final Cli cli;
    final AcknowledgedChanges seen;
    final Map<Kind, int[]> tally;
    final List<String> clients = new ArrayList<>();
    final List<String> tokens = new ArrayList<>();
    final List<String> keys = new ArrayList<>();

    Worker(Cli cli, AcknowledgedChanges seen, Map<Kind, int[]> tally) {
      this.cli = cli;
      this.seen = seen;
      this.tally = tally;
    }

    void step() throws Exception {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Kind kind = next(random);
      boolean kill;
      synchronized (tally) {
        int[] t = tally.get(kind);
        kill = t[1] == 0 || t[0] > 0 && random.nextBoolean(); // what this kind still lacks first
      }
      String client = clients.isEmpty() ? null : clients.get(random.nextInt(clients.size()));
      long sentAt = System.currentTimeMillis();
      Run run = switch (kind) {
        case CLIENT -> cli.run(kill, "client", "create", "c-" + UUID.randomUUID(), "--platform", "sendbird");
        case TOKEN -> cli.run(kill, "token", "create", "--client", client);
        case API_KEY -> cli.run(kill, "apikey", "create", "--client", client, "--tools", "*");
        case SECRET -> cli.run(kill, "secret", "add", "--client", client, "--generate");
        case ROTATE_TOKEN -> cli.run(kill, "token", "rotate", take(tokens, random), "--overlap", OVERLAP);
        case ROTATE_API_KEY -> cli.run(kill, "apikey", "rotate", take(keys, random), "--overlap", OVERLAP);
        case REVOKE_API_KEY -> cli.run(kill, "apikey", "revoke", take(keys, random));
      };
      synchronized (tally) {
        tally.get(kind)[0] += run.printed() != null ? 1 : 0;
        tally.get(kind)[1] += run.killed() ? 1 : 0;
      }
      JsonObject printed = run.printed();
      if (printed == null) {
        return;
      }
      String id = printed.getString("id");
      switch (kind) {
        case CLIENT -> {
          clients.add(id);
          seen.clients.add(id);
        }
        case TOKEN -> created("static_tokens", printed, tokens);
        case API_KEY -> created("api_keys", printed, keys);
        case SECRET -> created("signing_secrets", printed, null);
        case ROTATE_TOKEN, ROTATE_API_KEY -> {
          String table = kind == Kind.ROTATE_TOKEN ? "static_tokens" : "api_keys";
          created(table, printed, kind == Kind.ROTATE_TOKEN ? tokens : keys);
          seen.rotations.add(new AcknowledgedChanges.Rotation(table, printed.getJsonObject("replaces").getString("id"), id, sentAt));
        }
        case REVOKE_API_KEY -> seen.revokedKeys.add(id);
      }
    }

    /** A kind whose command can run now (a client first), preferring those not yet both acknowledged and killed. */
    private Kind next(ThreadLocalRandom random) {
      if (clients.isEmpty()) {
        return Kind.CLIENT;
      }
      List<Kind> possible = new ArrayList<>();
      List<Kind> wanted = new ArrayList<>();
      for (Kind kind : Kind.values()) {
        boolean can = switch (kind) {
          case ROTATE_TOKEN -> !tokens.isEmpty();
          case ROTATE_API_KEY, REVOKE_API_KEY -> !keys.isEmpty();
          default -> true;
        };
        if (can) {
          possible.add(kind);
          synchronized (tally) {
            if (tally.get(kind)[0] == 0 || tally.get(kind)[1] == 0) {
              wanted.add(kind);
            }
          }
        }
      }
      List<Kind> from = wanted.isEmpty() || random.nextInt(3) == 0 ? possible : wanted;
      return from.get(random.nextInt(from.size()));
    }

    /** Takes a credential out of the live list: after this command it is rotated, revoked, or unknown. */
    private static String take(List<String> live, ThreadLocalRandom random) {
      return live.remove(random.nextInt(live.size()));
    }

    private void created(String table, JsonObject printed, List<String> live) {
      seen.created.add(new AcknowledgedChanges.Created(table, printed.getString("id"), printed.getString("client_id"), printed.getString("secret")));
      if (live != null) {
        live.add(printed.getString("id"));
      }
    }
  }

  /** The packaged jar's CLI on the store of {@code dir}, with {@code -o json}. */
  private static final class Cli {
    final Path dir;
    final AtomicLong commands = new AtomicLong();
    /** How long a command that was not killed took, averaged: kills aim at the end of a run, where the store is opened and written. */
    private volatile long typicalMillis;

    Cli(Path dir) {
      this.dir = dir;
    }

    Run run(boolean kill, String... args) throws Exception {
      long n = commands.incrementAndGet();
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-jar", ServerProcess.JAR.toString()));
      command.addAll(List.of(args));
      command.addAll(List.of("-c", "toolgate.yaml", "-o", "json"));
      Path out = dir.resolve("cli-" + n + ".out");
      Path err = dir.resolve("cli-" + n + ".err");
      long started = System.nanoTime();
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      boolean killed = false;
      if (kill && typicalMillis > 0) {
        long at = ThreadLocalRandom.current().nextLong(typicalMillis * 2 / 5, typicalMillis * 19 / 20);
        if (!p.waitFor(at, TimeUnit.MILLISECONDS)) {
          ServerProcess.sigkill(p);
          killed = true;
        }
      }
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s finished", args[0]).isTrue();
      if (!killed) {
        long took = (System.nanoTime() - started) / 1_000_000;
        typicalMillis = typicalMillis == 0 ? took : (typicalMillis * 3 + took) / 4;
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", args), Files.readString(err)).isZero();
      }
      return new Run(printed(Files.readString(out, StandardCharsets.UTF_8)), killed);
    }

    /** The JSON document a command printed, or null when it printed none whole. */
    private static JsonObject printed(String stdout) {
      if (!stdout.endsWith("\n") || stdout.isBlank()) {
        return null;
      }
      try {
        return new JsonObject(stdout.strip());
      } catch (DecodeException partial) {
        return null;
      }
    }
  }
}
