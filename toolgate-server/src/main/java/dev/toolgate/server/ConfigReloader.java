package dev.toolgate.server;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.http.RunningConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the configuration in force and replaces it when {@code toolgate.yaml} is reloaded (SIGHUP,
 * {@code toolgate reload}, or whatever calls {@link #reload()}). A valid file is built in full
 * beside the running one and then swapped in with one write: a call takes the configuration current
 * at its start and finishes under it. A file that is invalid, or changes a setting only a restart can
 * apply ({@link RestartOnly}), is refused with every problem, and the running configuration stays.
 */
public final class ConfigReloader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  /** What a reload did. */
  public enum Result {
    /** A new configuration is in force. */
    RELOADED,
    /** The file is byte for byte the one in force: nothing to do. */
    UNCHANGED,
    /** The file was refused; the configuration in force stays. */
    REFUSED
  }

  /**
   * The outcome of one reload.
   *
   * @param attempt this process's count of reloads, from 1
   * @param version the version in force afterwards (the old one after a refusal)
   * @param tools how many tools that version has
   * @param problems why the file was refused, one {@code file:line: field: problem} each; empty otherwise
   */
  public record Outcome(long attempt, Instant at, Result result, String version, int tools, List<String> problems) {
    public Outcome {
      problems = List.copyOf(problems);
    }

    /** {@code reloaded}, {@code unchanged} or {@code refused}: the result as reports and the admin API name it. */
    public String resultName() {
      return result.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final ConfigFile file;
  private final PolicyWiring wiring;
  private final int boundPort;
  private final Clock clock;
  private final List<Consumer<Outcome>> listeners = new CopyOnWriteArrayList<>();
  private volatile PolicyWiring.Built current;
  private long attempts;

  /**
   * @param file where the configuration in force was read; null when it was made in code (nothing to reload)
   * @param boundPort the port the server listens on (a file with {@code port: 0} keeps it)
   */
  ConfigReloader(ConfigFile file, PolicyWiring wiring, PolicyWiring.Built initial, int boundPort, Clock clock) {
    this.file = file;
    this.wiring = wiring;
    this.current = initial;
    this.boundPort = boundPort;
    this.clock = clock;
  }

  /** The configuration in force now; read once per call. */
  public RunningConfig current() {
    return current.running();
  }

  /** The cache of customer tokens the configuration in force verifies with, for its metrics. */
  com.github.benmanes.caffeine.cache.Cache<?, ?> customerTokenCache() {
    return current.customerTokens().cache();
  }

  /** Told of every outcome, after it took effect (on the thread that reloaded). */
  public void onOutcome(Consumer<Outcome> listener) {
    listeners.add(listener);
  }

  /**
   * Reads the file again and puts it in force if it is valid and changes nothing that needs a
   * restart. One reload at a time; never throws for a bad file.
   */
  public synchronized Outcome reload() {
    long attempt = ++attempts;
    RunningConfig before = current.running();
    Outcome outcome;
    try {
      outcome = attempt(attempt, before);
    } catch (RuntimeException e) {
      // Anything else the new configuration cannot be served with (a trusted issuer's keys over plain http).
      outcome = refused(attempt, before, List.of(file.path() + ": " + e.getMessage()));
    }
    log(outcome, before);
    for (Consumer<Outcome> listener : listeners) {
      listener.accept(outcome);
    }
    return outcome;
  }

  private Outcome attempt(long attempt, RunningConfig before) {
    if (file == null) {
      return refused(attempt, before, List.of("this server's configuration was not read from a file: there is nothing to reload"));
    }
    ConfigFile.Loaded loaded;
    try {
      loaded = file.load();
    } catch (ConfigException e) {
      return refused(attempt, before, Arrays.asList(e.getMessage().split("\n")));
    }
    if (loaded.version().equals(before.version())) {
      return new Outcome(attempt, clock.instant(), Result.UNCHANGED, before.version(), tools(before), List.of());
    }
    GatewayConfig next = loaded.config().withBoundPort(boundPort);
    List<String> restart = RestartOnly.changes(before.config(), next, file.path(), loaded.text());
    if (!restart.isEmpty()) {
      return refused(attempt, before, restart);
    }
    PolicyWiring.Built built = wiring.build(next, loaded.version(), current);
    current = built; // the swap: calls that start from now on use the new configuration
    wiring.inForce(next);
    return new Outcome(attempt, clock.instant(), Result.RELOADED, built.running().version(), tools(built.running()), List.of());
  }

  private Outcome refused(long attempt, RunningConfig before, List<String> problems) {
    return new Outcome(attempt, clock.instant(), Result.REFUSED, before.version(), tools(before), problems);
  }

  private static int tools(RunningConfig running) {
    return running.config().tools().size();
  }

  private static void log(Outcome o, RunningConfig before) {
    switch (o.result()) {
      case RELOADED -> LOG.info("config reloaded: version {} (was {}), {} tool(s)", o.version(), before.version(), o.tools());
      case UNCHANGED -> LOG.info("config unchanged: version {}, {} tool(s)", o.version(), o.tools());
      case REFUSED -> LOG.warn("config reload refused; still serving version {}:\n  {}", o.version(), String.join("\n  ", o.problems()));
    }
  }
}
