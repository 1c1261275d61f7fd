package dev.toolgate.server.http;

import static dev.toolgate.server.http.GatewayIntegrationTest.eventuallyStatus;
import static dev.toolgate.server.http.GatewayIntegrationTest.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.cli.ToolgateCli;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.MasterKeyCheck;
import dev.toolgate.server.store.MasterKeyException;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.store.SigningKeyStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The documented rotation on running servers: an instance started with the new key and the old one
 * as previous serves signed calls before, during and after {@code toolgate master-key rotate}
 * without a restart, its {@code /readyz} 200 throughout; an instance left with only the old key
 * turns not ready and never judges a call wrongly. Real servers, real CLI; each backend in a subclass.
 */
abstract class MasterKeyRotationServerContract {
  private static final String OLD_SECRET = "sendbird-master-token-before-the-rotation";
  private static final String NEW_SECRET = "sendbird-master-token-after-the-rotation";
  private static final String BODY = "{\"order_id\":\"o-1\"}";

  @TempDir Path keys;
  private final MasterKey oldKey = MasterKey.generate();
  private final MasterKey newKey = MasterKey.generate();
  private GatewayHarness h;
  private ClientRecord client;
  private Toolgate oldOnly;

  /** The backend lines of the {@code store:} section, indented two spaces. */
  abstract String storeLines(Path dir) throws Exception;

  /** Removes what {@link #storeLines} made, once every server is closed. */
  void dropStore() {}

  @BeforeEach
  void storeUnderTheOldKey() throws Exception {
    for (Path file : List.of(keys.resolve("old.key"), keys.resolve("new.key"))) {
      Files.writeString(file, (file.endsWith("old.key") ? oldKey : newKey).toBase64() + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    h = new GatewayHarness("""
          - { name: order_status, platform: sendbird, method: POST, path: /orders/status, upstream: UPSTREAM,
              policy: { require: [sendbird_signature] } }
        store:
        """ + storeLines(keys) + "  master_key_file: " + keys.resolve("new.key") + "\n  previous_master_key_file: " + keys.resolve("old.key") + "\n");
    // What every instance and command did so far: the store is under the old key.
    MasterKeyCheck.verify(h.adminDb, oldKey);
    CredentialStore underOld = new CredentialStore(h.adminDb, new SecretBox(oldKey), Clock.systemUTC());
    client = underOld.createClient("sendbird-prod", "sendbird");
    underOld.addSigningSecret(client.id(), OLD_SECRET.getBytes(StandardCharsets.UTF_8), null);
    new SigningKeyStore(h.adminDb, new SecretBox(oldKey), Clock.systemUTC()).loadKeyRing(h.config.authorizationServer().maxTokenTtl());
  }

  @AfterEach
  void stop() {
    if (oldOnly != null) {
      oldOnly.close();
    }
    try {
      if (h != null) {
        h.close();
      }
    } finally {
      dropStore();
    }
  }

  @Test
  void aServerWithBothKeysServesSignedCallsBeforeDuringAndAfterTheRotationWithoutARestart() throws Exception {
    try (ServerLog log = ServerLog.capture()) {
      h.start();
      assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("INFO").contains("master key rotation under way")
          .contains("previous master key " + oldKey.id()).contains("master key " + newKey.id()));
    }
    assertThat(signed(h.base(), OLD_SECRET).statusCode()).isEqualTo(200);
    assertThat(ready(h.base()).statusCode()).isEqualTo(200);

    // Every 20 ms during the rotation and until the server has reloaded: /readyz and a signed call.
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger probes = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread prober = new Thread(() -> {
      while (running.get()) {
        try {
          int readyz = ready(h.base()).statusCode();
          int call = signed(h.base(), OLD_SECRET).statusCode();
          if (readyz != 200 || call != 200) {
            failures.add("readyz " + readyz + ", signed call " + call);
          }
          probes.incrementAndGet();
          Thread.sleep(20);
        } catch (Exception e) {
          failures.add(e.toString());
        }
      }
    });
    prober.start();
    try {
      Cli rotated = cli("master-key", "rotate", "-c", h.config.source().toString());
      assertThat(rotated.exit()).as(rotated.err()).isZero();
      assertThat(rotated.out()).contains("  signing secrets: 1\n").contains("  signing keys: 1\n")
          .doesNotContain(OLD_SECRET).doesNotContain(oldKey.toBase64()).doesNotContain(newKey.toBase64());

      // A secret sealed after the rotation verifies once the server has reloaded the rotated store.
      h.admin.addSigningSecret(client.id(), NEW_SECRET.getBytes(StandardCharsets.UTF_8), null);
      assertThat(eventuallyStatus(() -> signed(h.base(), NEW_SECRET).statusCode(), 200)).isTrue();
    } finally {
      running.set(false);
      prober.join(10_000);
    }
    assertThat(probes.get()).isPositive();
    assertThat(failures).as("readyz and signed calls during the rotation").isEmpty();
    assertThat(signed(h.base(), OLD_SECRET).statusCode()).isEqualTo(200);
    assertThat(signed(h.base(), "not-a-secret-of-this-client").statusCode()).isEqualTo(401);

    // The old key alone no longer opens the store; the new key alone does.
    assertThatThrownBy(() -> Toolgate.start(config("old-only.yaml", keys.resolve("old.key"), null)))
        .isInstanceOf(MasterKeyException.class).hasMessageContaining("is not the master key of")
        .hasMessageContaining("encrypted under master key " + newKey.id());
    try (Toolgate newOnly = Toolgate.start(config("new-only.yaml", keys.resolve("new.key"), null))) {
      String base = "http://127.0.0.1:" + newOnly.port();
      assertThat(ready(base).statusCode()).isEqualTo(200);
      assertThat(signed(base, OLD_SECRET).statusCode()).isEqualTo(200);
      assertThat(signed(base, NEW_SECRET).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anInstanceLeftWithTheOldKeyAloneIsNotReadyAfterTheRotationAndNeverJudgesACallWrongly() throws Exception {
    h.start();
    try (ServerLog log = ServerLog.capture()) {
      oldOnly = Toolgate.start(config("old-only.yaml", keys.resolve("old.key"), null));
      String base = "http://127.0.0.1:" + oldOnly.port();
      assertThat(ready(base).statusCode()).isEqualTo(200);
      assertThat(signed(base, OLD_SECRET).statusCode()).isEqualTo(200);

      Cli rotated = cli("master-key", "rotate", "-c", h.config.source().toString());
      assertThat(rotated.exit()).as(rotated.err()).isZero();

      assertThat(eventuallyStatus(() -> ready(base).statusCode(), 503)).as("the old-only instance reloads and cannot decrypt").isTrue();
      assertThat(ready(base).body()).contains("cannot be decrypted with the master key in use; see the server log");
      assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("credential cannot be read from the store")
          .contains("was encrypted with master key " + newKey.id()).contains("the key in use is " + oldKey.id())
          .contains("restart it with master key " + newKey.id()));
      assertThat(String.join("\n", log.lines())).doesNotContain(OLD_SECRET).doesNotContain(oldKey.toBase64()).doesNotContain(newKey.toBase64());
      // Still right about what it knew: the secret it had decrypted before verifies ...
      assertThat(signed(base, OLD_SECRET).statusCode()).isEqualTo(200);

      // ... and a signature it cannot check is 503, never 401: a secret added since, or any other.
      h.admin.addSigningSecret(client.id(), NEW_SECRET.getBytes(StandardCharsets.UTF_8), null);
      assertThat(eventuallyStatus(() -> signed(base, NEW_SECRET).statusCode(), 503)).isTrue();
      HttpResponse<String> unknown = signed(base, "not-a-secret-of-this-client");
      assertThat(unknown.statusCode()).isEqualTo(503);
      assertThat(unknown.body()).contains("\"code\":\"unavailable\"").doesNotContain(NEW_SECRET);
      assertThat(eventuallyStatus(() -> signed(h.base(), NEW_SECRET).statusCode(), 200)).as("the instance with both keys").isTrue();
    }
  }

  /** The harness's configuration with other key lines, written next to it. */
  private GatewayConfig config(String name, Path keyFile, Path previousKeyFile) throws Exception {
    String yaml = Files.readString(h.config.source()).lines()
        .filter(line -> !line.contains("master_key_file:"))
        .reduce("", (a, b) -> a + b + "\n")
        + "  master_key_file: " + keyFile + "\n"
        + (previousKeyFile == null ? "" : "  previous_master_key_file: " + previousKeyFile + "\n");
    Path file = h.dir.resolve(name);
    Files.writeString(file, yaml);
    return ConfigLoader.load(file);
  }

  private HttpResponse<String> signed(String base, String secret) throws Exception {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    return h.send(HttpRequest.newBuilder(URI.create(base + "/orders/status")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("content-type", "application/json").header("x-sendbird-signature", sign(secret, body)));
  }

  private HttpResponse<String> ready(String base) throws Exception {
    return h.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).GET());
  }

  private record Cli(int exit, String out, String err) {}

  /** Runs {@code toolgate ARGS...} in-process, as the CLI tests do. */
  private static Cli cli(String... args) {
    CommandLine cli = ToolgateCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }
}
