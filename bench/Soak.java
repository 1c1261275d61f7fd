// Load driver of the soak test. Run by bench/soak.sh (java -cp toolgate.jar bench/Soak.java OUT_DIR),
// which starts Toolgate, creates the credentials, passes them in SOAK_* variables and says what is measured.
//
// Phase 1 (SOAK_PROBE s): SOAK_CONNS workers send the mix back to back; the arrivals completed per second
// after the first 5 s are the measured maximum. Phase 2 (SOAK_DURATION s): the same mix as an open model
// at SOAK_LOAD x that maximum (arrivals scheduled at fixed intervals whatever the answers do, latency
// counted from the scheduled moment, so a stall shows in the latencies instead of slowing the load).
// Every SOAK_SAMPLE s of phase 2: count, p50, p99, errors, and Toolgate's RSS, threads, open fds and heap
// after its last full collection (bench/SoakSampler.java); a class histogram after SOAK_WARMUP s and at the end.
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class Soak {
  static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("missing " + name);
    return v;
  }
  static final String BASE = env("SOAK_BASE");
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
      (env("SOAK_CLIENT_ID") + ":" + env("SOAK_CLIENT_SECRET")).getBytes(StandardCharsets.UTF_8));
  static final byte[] BODY = read(env("SOAK_BODY"));
  static final String SENDBIRD_SIG = hex(hmac(env("SOAK_MASTER").getBytes(StandardCharsets.UTF_8), BODY));
  static final String HOOK_SECRET = env("SOAK_HOOK_SECRET");   // whsec_<base64>: Standard Webhooks and Stripe-style
  static final String LOGIN_FORM = "username=" + enc(env("SOAK_USER")) + "&password=" + enc(env("SOAK_PASSWORD"));
  static final Pattern ACCESS = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
  static final Pattern CUSTOMER = Pattern.compile("\"JWT\"\\s*:\\s*\"([^\"]+)\"");

  /** Tokens the calls use, never revoked: refreshed by the issuance and login operations, and by the call itself
   *  when the one it drew is over 2 minutes old (tokens live 5 minutes; a slow run issues and logs in rarely). */
  static final Ring ACCESS_TOKENS = new Ring(16, Soak::issue);
  static final Ring CUSTOMER_TOKENS = new Ring(4, Soak::login);
  /** JWTs of the external issuer: a partner reuses its token, and mints a new one now and then. */
  static final Ring EXTERNAL_TOKENS = new Ring(8, (r, t) -> mintExternalJwt());
  static ECKey idpKey;

  /** One operation of the mix: its share per 1000 arrivals, and what it does. */
  record Op(String name, int perMille, Step step) {}
  interface Step { void run(long startNanos, SoakRecorder rec) throws Exception; }

  static final List<Op> MIX = List.of(
      new Op("call sendbird_signature", 149, (t, r) -> call(r, "call sendbird_signature", t, post("/echo/soak-signature").header("x-sendbird-signature", SENDBIRD_SIG), 200)),
      new Op("call static_token", 130, (t, r) -> call(r, "call static_token", t, post("/echo/soak-static-token").header("Authorization", "Bearer " + env("SOAK_STATIC_TOKEN")), 200)),
      new Op("call api_key", 130, (t, r) -> call(r, "call api_key", t, post("/echo/soak-api-key").header("api-key", env("SOAK_API_KEY")), 200)),
      new Op("call client_token", 150, (t, r) -> call(r, "call client_token", t, post("/echo/soak-client-token").header("Authorization", "Bearer " + ACCESS_TOKENS.get(r)), 200)),
      new Op("call user_token", 130, (t, r) -> call(r, "call user_token", t, post("/echo/soak-user-token").header("customer-auth", "JWT " + CUSTOMER_TOKENS.get(r)), 200)),
      new Op("call external_jwt", 110, (t, r) -> call(r, "call external_jwt", t, post("/echo/soak-external-jwt").header("Authorization", "Bearer " + externalJwt()), 200)),
      new Op("call standard_webhooks", 70, (t, r) -> call(r, "call standard_webhooks", t, webhook(), 200)),
      new Op("call stripe_signature", 70, (t, r) -> call(r, "call stripe_signature", t, stripe(), 200)),
      new Op("token issuance", 30, (t, r) -> ACCESS_TOKENS.put(issue(r, t))),
      new Op("introspection", 25, (t, r) -> introspect(r, t)),
      new Op("revocation", 4, Soak::revocation),
      new Op("customer login", 1, (t, r) -> CUSTOMER_TOKENS.put(login(r, t))),
      new Op("customer logout", 1, Soak::logout));
  static final Op[] BY_MILLE = new Op[1000];

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int conns = Integer.parseInt(env("SOAK_CONNS"));
    int probe = Integer.parseInt(env("SOAK_PROBE"));
    int duration = Integer.parseInt(env("SOAK_DURATION"));
    double load = Double.parseDouble(env("SOAK_LOAD"));
    int sample = Integer.parseInt(env("SOAK_SAMPLE"));
    int warmup = Integer.parseInt(env("SOAK_WARMUP"));
    int i = 0;
    for (Op op : MIX) for (int k = 0; k < op.perMille(); k++) BY_MILLE[i++] = op;
    if (i != 1000) throw new IllegalStateException("the mix adds up to " + i + " per mille, not 1000");
    startJwks();   // before Toolgate starts: it fetches the trusted issuers' keys when it starts
    Path pidFile = Path.of(env("SOAK_PID_FILE"));
    for (long until = System.nanoTime() + 300_000_000_000L; !Files.exists(pidFile); Thread.sleep(100)) {
      if (System.nanoTime() > until) throw new IllegalStateException("Toolgate not ready after 300 s (no " + pidFile + ")");
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());

    // Every operation once, so a misconfigured run stops before it measures anything.
    SoakRecorder check = new SoakRecorder();
    for (Ring ring : List.of(ACCESS_TOKENS, CUSTOMER_TOKENS, EXTERNAL_TOKENS)) ring.fill(check);
    for (Op op : MIX) op.step().run(System.nanoTime(), check);
    SoakRecorder.Window first = check.take(0);
    System.out.printf(Locale.ROOT, "check: every operation once: %d requests, %d errors%n", first.count(), first.errors());
    if (first.errors() > 0) { check.dumpErrors(out.resolve("errors.txt")); System.exit(1); }

    // Phase 1: the maximum.
    SoakRecorder probeRec = new SoakRecorder();
    double max = probe(conns, probe, probeRec);
    double rate = load * max;
    SoakRecorder.Window pw = probeRec.take(0);
    System.out.printf(Locale.ROOT, "phase 1: %d workers, %d s: %.0f operations/s (max), %d requests, p99 %.2f ms, %d errors%n",
        conns, probe, max, pw.count(), pw.p99Ms(), pw.errors());
    System.out.printf(Locale.ROOT, "phase 2: %d s at %.0f%% of it: %.0f operations/s%n", duration, load * 100, rate);
    Files.writeString(out.resolve("driver.txt"), String.format(Locale.ROOT, "max_ops_per_s=%.1f%nrate_ops_per_s=%.1f%nprobe_errors=%d%n", max, rate, pw.errors()));

    // Phase 2: open model at the rate; a thread of its own samples, so a slow jcmd never delays an arrival.
    SoakRecorder perMinute = new SoakRecorder();
    SoakRecorder rec = new SoakRecorder(perMinute);
    rec.errorsSeen.addAll(probeRec.errorsSeen);
    ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(Math.max(conns * 2, 64));
    SoakSampler sampler = new SoakSampler(pid, env("SOAK_JCMD"), out);
    AtomicLong dropped = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration * 1_000_000_000L;
    Thread sampling = new Thread(() -> sampleUntil(end, start, sample, warmup, out, rec, perMinute, dropped, sampler), "sampler");
    sampling.start();
    double interval = 1e9 / rate;
    for (long n = 0; ; n++) {
      long at = start + (long) (n * interval);
      if (at >= end) break;
      for (long now; (now = System.nanoTime()) < at; ) LockSupport.parkNanos(at - now);
      if (pool.getQueue().size() > rate * 5) { dropped.incrementAndGet(); continue; }   // over 5 s behind: not sent, an error
      Op op = pick();
      pool.execute(() -> runOp(op, at, rec));
    }
    sampling.join();
    pool.shutdown();
    boolean finished = pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    int stuck = finished ? 0 : pool.shutdownNow().size() + pool.getActiveCount();
    SoakRecorder.Window tail = rec.take(dropped.get() + stuck);   // the calls still running when the last sample was taken
    Files.writeString(out.resolve("driver.txt"), String.format(Locale.ROOT, "tail_requests=%d%ntail_errors=%d%n", tail.count(), tail.errors()),
        java.nio.file.StandardOpenOption.APPEND);
    rec.dumpErrors(out.resolve("errors.txt"));
    System.out.println("phase 2: done");
    System.exit(0);
  }

  /** Every `sample` s until `end`: a line of samples.csv; every 60 s and at the end a line of minutes.csv. */
  static void sampleUntil(long end, long start, int sample, int warmup, Path out, SoakRecorder rec, SoakRecorder perMinute,
      AtomicLong dropped, SoakSampler sampler) {
    long droppedInMinute = 0;
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("samples.csv")));
         PrintWriter minutes = new PrintWriter(Files.newBufferedWriter(out.resolve("minutes.csv")))) {
      csv.println("t_s,requests,p50_ms,p99_ms,max_ms,errors,dropped,rss_kib,heap_after_full_gc_kib,fds,threads");
      minutes.println("end_s,requests,p50_ms,p99_ms,max_ms,errors");
      for (long k = 1; start + k * sample * 1_000_000_000L <= end; k++) {
        long due = start + k * sample * 1_000_000_000L;
        for (long now; (now = System.nanoTime()) < due; ) LockSupport.parkNanos(due - now);
        long d = dropped.getAndSet(0);
        SoakRecorder.Window w = rec.take(d);
        csv.println(String.format(Locale.ROOT, "%d,%d,%.3f,%.3f,%.3f,%d,%d,%s", k * sample,
            w.count(), w.p50Ms(), w.p99Ms(), w.maxMs(), w.errors(), w.dropped(), sampler.sample()));
        csv.flush();
        boolean last = start + (k + 1) * sample * 1_000_000_000L > end;
        if (last || (k - 1) * sample < warmup && k * sample >= warmup) {
          sampler.histogram(last ? "histogram-last.txt" : "histogram-first.txt");
        }
        droppedInMinute += d;
        if ((k * sample) % 60 == 0 || last) {
          SoakRecorder.Window m = perMinute.take(droppedInMinute);
          droppedInMinute = 0;
          minutes.println(String.format(Locale.ROOT, "%d,%d,%.3f,%.3f,%.3f,%d", k * sample, m.count(), m.p50Ms(), m.p99Ms(), m.maxMs(), m.errors()));
          minutes.flush();
        }
      }
    } catch (IOException | RuntimeException e) {
      e.printStackTrace();
      Runtime.getRuntime().halt(2);   // a run without its samples proves nothing
    }
  }

  /** Operations completed per second by `conns` workers sending back to back, after the first 5 s. */
  static double probe(int conns, int seconds, SoakRecorder rec) throws InterruptedException {
    long probeStart = System.nanoTime();
    long countFrom = probeStart + 5_000_000_000L;
    long probeEnd = probeStart + seconds * 1_000_000_000L;
    AtomicLong done = new AtomicLong();
    ExecutorService workers = Executors.newFixedThreadPool(conns);
    for (int w = 0; w < conns; w++) workers.submit(() -> {
      for (long now; (now = System.nanoTime()) < probeEnd; ) {
        runOp(pick(), now, rec);
        if (now >= countFrom) done.incrementAndGet();
      }
      return null;
    });
    workers.shutdown();
    workers.awaitTermination(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS);
    return done.get() / ((probeEnd - countFrom) / 1e9);
  }

  static Op pick() { return BY_MILLE[ThreadLocalRandom.current().nextInt(1000)]; }

  static void runOp(Op op, long startNanos, SoakRecorder rec) {
    try {
      op.step().run(startNanos, rec);
    } catch (Exception e) {
      rec.record(op.name(), startNanos, false, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ operations
  static HttpRequest.Builder post(String path) {
    return HttpRequest.newBuilder(URI.create(BASE + path)).timeout(TIMEOUT);
  }
  static HttpRequest.Builder form(String path, String body) {
    return post(path).header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
  }
  /** Sends the request (the 512 B JSON body unless it has one); the answer must have the status. Returns its body, or null. */
  static String call(SoakRecorder rec, String name, long startNanos, HttpRequest.Builder req, int expected) throws IOException, InterruptedException {
    HttpRequest r = req.build();
    if (r.bodyPublisher().isEmpty()) r = req.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
    HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    boolean ok = res.statusCode() == expected;
    rec.record(name, startNanos, ok, ok ? null : res.statusCode() + " " + res.body());
    return ok ? res.body() : null;
  }
  static String issue(SoakRecorder rec, long t) throws Exception {
    String body = call(rec, "token issuance", t, form("/oauth/token", "grant_type=client_credentials").header("Authorization", BASIC), 200);
    return body == null ? null : match(ACCESS, body);
  }
  static void introspect(SoakRecorder rec, long t) throws Exception {
    String body = call(rec, "introspection", t, form("/oauth/introspect", "token=" + ACCESS_TOKENS.get(rec)).header("Authorization", BASIC), 200);
    if (body != null && !body.contains("\"active\":true")) rec.record("introspection", t, false, "live token not active: " + body);
  }
  /** Issues a token, revokes it, and checks that a call with it is refused. */
  static void revocation(long t, SoakRecorder rec) throws Exception {
    String token = issue(rec, t);
    if (token == null) return;
    if (call(rec, "revocation", System.nanoTime(), form("/oauth/revoke", "token=" + token).header("Authorization", BASIC), 200) == null) return;
    call(rec, "call revoked client_token (401)", System.nanoTime(), post("/echo/soak-client-token").header("Authorization", "Bearer " + token), 401);
  }
  static String login(SoakRecorder rec, long t) throws Exception {
    String body = call(rec, "customer login", t, form("/auth/customer_authenticate", LOGIN_FORM), 200);
    return body == null ? null : match(CUSTOMER, body);
  }
  /** Logs in, logs out, and checks that a call with the logged-out token is refused. */
  static void logout(long t, SoakRecorder rec) throws Exception {
    String jwt = login(rec, t);
    if (jwt == null) return;
    if (call(rec, "customer logout", System.nanoTime(), post("/auth/logout").header("customer-auth", "JWT " + jwt)
        .POST(HttpRequest.BodyPublishers.noBody()), 204) == null) return;
    call(rec, "call logged-out user_token (401)", System.nanoTime(), post("/echo/soak-user-token").header("customer-auth", "JWT " + jwt), 401);
  }
  static HttpRequest.Builder webhook() {
    String id = "msg_" + UUID.randomUUID();
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    byte[] key = Base64.getDecoder().decode(HOOK_SECRET.substring("whsec_".length()));
    String sig = Base64.getEncoder().encodeToString(hmac(key, concat(id + "." + ts + ".", BODY)));
    return post("/echo/soak-webhooks").header("webhook-id", id).header("webhook-timestamp", ts).header("webhook-signature", "v1," + sig);
  }
  static HttpRequest.Builder stripe() {
    // A distinct body per call: a Stripe-style signature is accepted once.
    byte[] body = concat("{\"event\":\"" + UUID.randomUUID() + "\",\"data\":", BODY, "}".getBytes(StandardCharsets.UTF_8));
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    String sig = hex(hmac(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), concat(ts + ".", body)));
    return post("/echo/soak-stripe").header("stripe-signature", "t=" + ts + ",v1=" + sig)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }
  /** A JWT of the external issuer from the ring; one call in 20 first replaces one with a new one. */
  static String externalJwt() throws Exception {
    if (ThreadLocalRandom.current().nextInt(20) == 0) EXTERNAL_TOKENS.put(mintExternalJwt());
    return EXTERNAL_TOKENS.get(null);
  }
  /** A new JWT of the external issuer (served by this process's JWKS endpoint), 10 minutes long. */
  static String mintExternalJwt() throws Exception {
    long now = System.currentTimeMillis();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(idpKey.getKeyID()).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().issuer(env("SOAK_EXT_ISSUER")).audience(env("SOAK_EXT_AUDIENCE")).subject("partner-" + (now % 97))
            .issueTime(new Date(now)).expirationTime(new Date(now + 600_000)).jwtID(UUID.randomUUID().toString()).build());
    jwt.sign(new ECDSASigner(idpKey));
    return jwt.serialize();
  }
  static void startJwks() throws Exception {
    idpKey = new ECKeyGenerator(Curve.P_256).keyID("soak-1").generate();
    byte[] jwks = new JWKSet(idpKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress("127.0.0.1", Integer.parseInt(env("SOAK_JWKS_PORT"))), 0);
    server.createContext("/jwks.json", ex -> {
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, jwks.length);
      ex.getResponseBody().write(jwks);
      ex.close();
    });
    server.start();
  }

  // ------------------------------------------------------------------ helpers
  interface Issuer { String issue(SoakRecorder rec, long startNanos) throws Exception; }
  /** A few tokens of one kind, each with the moment it was put in. */
  static final class Ring {
    static final long MAX_AGE = 120_000_000_000L;
    record Entry(String token, long at) {}
    private final AtomicReferenceArray<Entry> slots;
    private final Issuer issuer;

    Ring(int size, Issuer issuer) { this.slots = new AtomicReferenceArray<>(size); this.issuer = issuer; }
    void fill(SoakRecorder rec) throws Exception { for (int i = 0; i < slots.length(); i++) put(i, issuer.issue(rec, System.nanoTime())); }
    void put(String token) { put(ThreadLocalRandom.current().nextInt(slots.length()), token); }
    private void put(int i, String token) { if (token != null) slots.set(i, new Entry(token, System.nanoTime())); }
    /** A token of the ring; one over MAX_AGE is replaced first (a failed replacement is recorded as an error). */
    String get(SoakRecorder rec) throws Exception {
      int i = ThreadLocalRandom.current().nextInt(slots.length());
      Entry e = slots.get(i);
      if (System.nanoTime() - e.at() > MAX_AGE) {
        String fresh = issuer.issue(rec, System.nanoTime());
        if (fresh != null) { put(i, fresh); return fresh; }
      }
      return e.token();
    }
  }
  static String match(Pattern p, String body) {
    Matcher m = p.matcher(body);
    return m.find() ? m.group(1) : null;
  }
  static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
  static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
  static byte[] read(String path) {
    try { return Files.readAllBytes(Path.of(path)); } catch (IOException e) { throw new IllegalStateException(e); }
  }
  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (Exception e) { throw new IllegalStateException(e); }
  }
  static byte[] concat(String head, byte[] body) { return concat(head, body, new byte[0]); }
  static byte[] concat(String head, byte[] body, byte[] tail) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] all = Arrays.copyOf(h, h.length + body.length + tail.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    System.arraycopy(tail, 0, all, h.length + body.length, tail.length);
    return all;
  }
}
