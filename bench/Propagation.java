// Propagation time of a revocation from one Toolgate instance to another, on PostgreSQL.
// Run by bench/propagation.sh (java -cp toolgate.jar bench/Propagation.java JAR CHANGES), which says what it measures.
import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.MasterKeyCheck;
import dev.toolgate.server.store.OAuthClientStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Two instances (A, B) on one fresh PostgreSQL schema; each change is made, then B is asked until it refuses. */
public final class Propagation {
  static final String URL = env("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = env("BENCH_PG_USER", "postgres");
  static final String PASSWORD_ENV = System.getenv("BENCH_PG_PASSWORD_ENV"); // the NAME of a variable, as in toolgate.yaml
  static final Duration WATCH = Duration.ofSeconds(5);
  /** Changes made first and not counted: the instances' JIT warms up on them. */
  static final int WARMUP = 20;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int changes = Integer.parseInt(args.length > 1 ? args[1] : "200");
    String password = PASSWORD_ENV == null ? null : System.getenv(PASSWORD_ENV);
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    String schema = "toolgate_bench_" + HexFormat.of().formatHex(suffix);
    Path dir = Files.createTempDirectory("toolgate-propagation-");
    List<Process> servers = new ArrayList<>();
    com.sun.net.httpserver.HttpServer upstream = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    upstream.start();
    sql(password, "CREATE SCHEMA " + schema);
    try {
      int portA = freePort();
      int portB = freePort();
      String up = "http://127.0.0.1:" + upstream.getAddress().getPort();
      Path configA = config(dir, "a", portA, schema, up);
      Path configB = config(dir, "b", portB, schema, up);
      GatewayConfig config = ConfigLoader.load(configA);
      try (Database db = Database.open(config.store())) {
        MasterKey key = MasterKeyCheck.keyFor(db, config.store()).current(); // writes the key file both instances read
        servers.add(serve(jar, configA, dir.resolve("a.log")));
        servers.add(serve(jar, configB, dir.resolve("b.log")));
        String a = "http://127.0.0.1:" + portA;
        String b = "http://127.0.0.1:" + portB;
        awaitReady(a, servers.get(0), dir.resolve("a.log"));
        awaitReady(b, servers.get(1), dir.resolve("b.log"));
        run(db, key, a, b, changes);
      }
    } finally {
      for (Process server : servers) {
        server.destroy();
      }
      for (Process server : servers) {
        if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
      upstream.stop(0);
      sql(password, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Half the changes: OAuth access tokens revoked on A's /oauth/revoke; half: API keys revoked by this process, as the CLI would. */
  static void run(Database db, MasterKey key, String a, String b, int changes) throws Exception {
    CredentialStore credentials = new CredentialStore(db, key);
    OAuthClientStore oauth = new OAuthClientStore(db);
    ClientRecord client = credentials.createClient("bench", "sendbird");
    oauth.setOAuthSettings(client.id(), Set.of("orders.read"), Duration.ofHours(1), Set.of("client_secret_basic"), null);
    String basic = "Basic " + Base64.getEncoder().encodeToString((client.id() + ":" + oauth.createClientSecret(client.id(), null).plaintext())
        .getBytes(StandardCharsets.UTF_8));
    List<Double> tokens = new ArrayList<>();
    List<Double> keys = new ArrayList<>();
    for (int i = -WARMUP; i < changes; i++) {
      if (i == 0) {
        tokens.clear();
        keys.clear();
      }
      if ((i & 1) == 0) {
        String token = json(until(() -> send(a, "POST", "/oauth/token", "grant_type=client_credentials&scope=orders.read", "authorization", basic),
            200, "A issues a token"), "access_token");
        Supplier<HttpResponse<String>> call = () -> send(b, "GET", "/orders", null, "authorization", "Bearer " + token);
        until(call, 204, "B accepts the token");
        HttpResponse<String> revoked = send(a, "POST", "/oauth/revoke", "token=" + token, "authorization", basic);
        long committed = System.nanoTime();
        if (revoked.statusCode() != 200) {
          throw new IllegalStateException("A did not revoke: " + revoked.statusCode() + " " + revoked.body());
        }
        tokens.add(refusedAfter(committed, call));
      } else {
        var apiKey = credentials.createApiKey(client.id(), Set.of("*"), null);
        Supplier<HttpResponse<String>> call = () -> send(b, "GET", "/keyed", null, "api-key", apiKey.plaintext());
        until(call, 204, "B accepts the API key");
        credentials.revokeApiKey(apiKey.record().id());
        keys.add(refusedAfter(System.nanoTime(), call));
      }
      Thread.sleep(20); // one change at a time
    }
    List<Double> all = new ArrayList<>(tokens);
    all.addAll(keys);
    System.out.println("Propagation of a revocation from instance A to instance B (PostgreSQL LISTEN/NOTIFY), ms from commit to B's first refusal:");
    System.out.println("| change | n | median | p99 | max |");
    System.out.println("| --- | --- | --- | --- | --- |");
    row("OAuth access token revoked on A (/oauth/revoke)", tokens);
    row("API key revoked by another process (as the CLI)", keys);
    row("all", all);
  }

  /** Milliseconds from {@code committedNanos} to the answer of B's first refusing call (B is asked again at once after each answer). */
  static double refusedAfter(long committedNanos, Supplier<HttpResponse<String>> call) {
    while (true) {
      HttpResponse<String> r = call.get();
      long now = System.nanoTime();
      if (r.statusCode() == 401) {
        return (now - committedNanos) / 1e6;
      }
      if (now - committedNanos > WATCH.toNanos()) {
        throw new IllegalStateException("B still answers " + r.statusCode() + " " + WATCH + " after the change");
      }
    }
  }

  static void row(String what, List<Double> millis) {
    List<Double> sorted = millis.stream().sorted().toList();
    if (sorted.isEmpty()) {
      return;
    }
    System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", what, sorted.size(), percentile(sorted, 50), percentile(sorted, 99),
        sorted.get(sorted.size() - 1));
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static HttpResponse<String> until(Supplier<HttpResponse<String>> call, int status, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WATCH.toNanos();
    while (true) {
      HttpResponse<String> r = call.get();
      if (r.statusCode() == status) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": still " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(5);
    }
  }

  static HttpResponse<String> send(String base, String method, String path, String form, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
    if (form != null) {
      request.header("content-type", "application/x-www-form-urlencoded");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + base + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String json(HttpResponse<String> r, String member) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + member + "\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    if (!m.find()) {
      throw new IllegalStateException("no " + member + " in " + r.body());
    }
    return m.group(1);
  }

  static Path config(Path dir, String name, int port, String schema, String upstream) throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        server: { host: 127.0.0.1, port: PORT }
        failed_auth_limit: off
        store:
          kind: postgresql
          url: "URL?currentSchema=SCHEMA"
          user: USER
        PASSWORD  master_key_file: KEYFILE
        audit: { flush_interval: 100ms }
        authorization_server: { issuer: "http://toolgate.bench.test" }
        platforms:
          sendbird: { api_key_header: api-key }
        tools:
          - { name: keyed, platform: sendbird, method: GET, path: /keyed, upstream: "UPSTREAM", policy: { require: [api_key] } }
          - { name: orders, method: GET, path: /orders, upstream: "UPSTREAM",
              policy: { require: [client_token], client_token: { scopes: [orders.read] } } }
        """.replace("PORT", Integer.toString(port)).replace("URL", URL).replace("SCHEMA", schema).replace("USER", USER)
        .replace("PASSWORD", PASSWORD_ENV == null ? "" : "  password_env: " + PASSWORD_ENV + "\n")
        .replace("KEYFILE", dir.resolve("master.key").toString()).replace("UPSTREAM", upstream), StandardCharsets.UTF_8);
    return file;
  }

  static Process serve(Path jar, Path config, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx512m", "-jar", jar.toString(), "serve", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static void awaitReady(String base, Process server, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("an instance stopped:\n" + Files.readString(log));
      }
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("an instance was not ready within a minute:\n" + Files.readString(log));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static void sql(String password, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(URL, USER, password); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
