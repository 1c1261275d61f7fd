package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.ConfigFile;
import dev.toolgate.server.ConfigReloader;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.store.AuditQuery;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link GatewayHarness} whose gateway is started from its file as {@code toolgate serve} does,
 * so that the file can be rewritten and reloaded.
 */
final class ReloadableHarness implements AutoCloseable {
  final GatewayHarness h;
  final Path file;

  ReloadableHarness(String toolsYaml) throws Exception {
    h = new GatewayHarness(toolsYaml);
    file = h.config.source();
  }

  ReloadableHarness start() {
    ConfigFile config = new ConfigFile(file);
    h.gateway = Toolgate.start(config, config.load());
    return this;
  }

  /** The version of the file as it is now. */
  String version() throws IOException {
    return ConfigFile.version(Files.readAllBytes(file));
  }

  /** Replaces everything from {@code tools:} on (the tools and any section after them). */
  String writeTools(String toolsYaml) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    write(text.substring(0, text.indexOf("\ntools:\n") + "\ntools:\n".length()) + toolsYaml.replace("UPSTREAM", h.upstream.url()));
    return version();
  }

  /** Replaces {@code from} (which must be in the file) by {@code to}. */
  String edit(String from, String to) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    write(text.replace(from, to));
    return version();
  }

  private void write(String text) throws IOException {
    // Written whole and moved into place, as config management tools do: a reader never sees half a file.
    Path temp = Files.createTempFile(file.getParent(), "toolgate-", ".yaml");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  ConfigReloader.Outcome reload() {
    return h.gateway.reloader().reload();
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = h.get(path);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return h.send(b);
  }

  /** Every audit record so far, by request id. */
  Map<String, AuditEvent> audit() {
    h.gateway.flushAudit();
    Map<String, AuditEvent> byId = new HashMap<>();
    for (AuditEvent e : h.auditLog.query(AuditQuery.latest(100_000))) {
      byId.put(e.requestId(), e);
    }
    return byId;
  }

  static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("x-request-id").orElseThrow(() -> new AssertionError("no x-request-id: " + r.statusCode() + " " + r.body()));
  }

  static String code(HttpResponse<String> r) {
    return r.statusCode() == 200 ? "ok" : new io.vertx.core.json.JsonObject(r.body()).getString("code");
  }

  @Override
  public void close() {
    h.close();
  }
}
