package dev.toolgate.server.http;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;

/** Lets tests in other packages drive a {@link GatewayHarness}. */
public final class HarnessAccess implements AutoCloseable {
  private final GatewayHarness h;

  private HarnessAccess(GatewayHarness h) {
    this.h = h;
  }

  public static HarnessAccess create(String toolsYaml) throws Exception {
    return new HarnessAccess(new GatewayHarness(toolsYaml));
  }

  /** With extra lines in the {@code server:} section, indented two spaces (e.g. {@code "  trusted_proxies: [127.0.0.1]\n"}). */
  public static HarnessAccess create(String toolsYaml, String serverYaml) throws Exception {
    return new HarnessAccess(new GatewayHarness(toolsYaml, "1s", serverYaml, ""));
  }

  public void start() {
    h.start();
  }

  /** Starts reading the variables the configuration names from {@code env}. */
  public void start(java.util.function.Function<String, String> env) {
    h.start(env);
  }

  public int port() {
    return h.gateway.port();
  }

  public String base() {
    return h.base();
  }

  public String issuer() {
    return h.gateway.issuer();
  }

  public Database adminDb() {
    return h.adminDb;
  }

  public CredentialStore admin() {
    return h.admin;
  }

  public GatewayConfig config() {
    return h.config;
  }

  /** The configuration in force, with the endpoints it mounts. */
  public RunningConfig running() {
    return h.gateway.reloader().current();
  }

  public int upstreamHits() {
    return h.upstream.hits.get();
  }

  public String lastUpstreamHeader(String name) {
    return h.upstream.lastHeaders == null ? null : h.upstream.lastHeaders.get(name);
  }

  /** Writes every queued audit record to the store now. */
  public void flushAudit() {
    h.gateway.flushAudit();
  }

  public void refresh() {
    h.gateway.refreshCredentials();
  }

  @Override
  public void close() {
    h.close();
  }
}
