package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.http.Endpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/openapi.json describes exactly what a real Toolgate mounts, with everything on: every route
 * of the endpoints the running configuration mounts under {@code /admin}, {@code /oauth}, {@code
 * /auth} and {@code /.well-known} is documented and every documented one is mounted (the decision
 * API, which is no vert.x route, is checked by calling it in both of its modes). Then every
 * documented operation is called for real and answers as documented, and the role each admin
 * operation documents ({@code x-toolgate-access}) and its {@code Idempotency-Key} are the ones it
 * is mounted with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiCoverageTest {
  static final OpenApiContract DOC = OpenApiContract.document();
  static final List<String> PREFIXES = List.of("/admin/", "/oauth/", "/auth/", "/.well-known/");
  /** Routes without a method are guards and observers that pass every request on; these are the ones expected. */
  static final Set<String> GUARDS = Set.of("/admin/*"); // AdminAuth: authenticates every /admin/ request first
  static final Pattern VERTX_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
  static final Pattern DOC_PARAM = Pattern.compile("\\{[^}]+}");
  /** Path parameter values for calling each operation: real where a made-up one reaches no handler. */
  static final Map<String, String> SAMPLES = Map.of("resource_path", "mcp", "path", "orders/A-1");

  FullServer headers;
  FullServer path;

  @BeforeAll
  void start() throws Exception {
    headers = new FullServer("");
    path = new FullServer("  decisions: { source: path }\n");
  }

  @AfterAll
  void stop() {
    if (headers != null) {
      headers.close();
    }
    if (path != null) {
      path.close();
    }
  }

  /** "METHOD /path" of each route the running configuration mounts under the system prefixes, paths in OpenAPI form. */
  Set<String> mounted() {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      for (Endpoint endpoint : headers.h.running().endpoints()) {
        endpoint.mount(router);
      }
      Set<String> out = new TreeSet<>();
      List<String> unexpectedGuards = new ArrayList<>();
      for (Route route : router.getRoutes()) {
        String p = route.getPath();
        if (p == null || PREFIXES.stream().noneMatch(p::startsWith)) {
          continue;
        }
        String path = route.isExactPath() ? p : p + "*";
        if (route.methods() == null || route.methods().isEmpty()) {
          if (!GUARDS.contains(path)) {
            unexpectedGuards.add(path);
          }
          continue;
        }
        for (HttpMethod method : route.methods()) {
          out.add(method.name() + " " + openApiForm(path));
        }
      }
      assertThat(unexpectedGuards).as("routes mounted for every method (an endpoint must name its methods to be documented)").isEmpty();
      return out;
    } finally {
      vertx.close().await();
    }
  }

  /** {@code /a/:id/*} → {@code /a/{id}/{}}: a trailing wildcard is a rest-of-path parameter, whatever its documented name. */
  static String openApiForm(String vertxPath) {
    String out = VERTX_PARAM.matcher(vertxPath).replaceAll("{$1}");
    return out.endsWith("/*") ? out.substring(0, out.length() - 1) + "{}" : out;
  }

  /** The documented operations under the system prefixes, rest-of-path parameters written {@code {}} as {@link #openApiForm} does. */
  static Set<String> documented() {
    Set<String> out = new TreeSet<>();
    for (OpenApiContract.Operation op : DOC.operations()) {
      if (PREFIXES.stream().anyMatch(op.path()::startsWith)) {
        String path = op.path();
        if (DOC.restOfPath(path)) {
          path = path.substring(0, path.lastIndexOf('/') + 1) + "{}";
        }
        out.add(op.method() + " " + path);
      }
    }
    return out;
  }

  @Test
  void everyMountedRouteIsDocumentedAndEveryDocumentedRouteIsMounted() {
    Set<String> mounted = mounted();
    Set<String> documented = documented();
    Set<String> undocumented = new TreeSet<>(mounted);
    undocumented.removeAll(documented);
    Set<String> notMounted = new TreeSet<>(documented);
    notMounted.removeAll(mounted);
    assertThat(mounted).as("the server mounts its own routes").contains("GET /admin/openapi.json", "POST /oauth/token");
    assertThat(undocumented).as("mounted but not in docs/openapi.json:\n  " + String.join("\n  ", undocumented)
        + "\ndocumented but not mounted:\n  " + String.join("\n  ", notMounted)).isEmpty();
    assertThat(notMounted).as("documented in docs/openapi.json but not mounted:\n  " + String.join("\n  ", notMounted)).isEmpty();
  }

  @Test
  void theDecisionApiIsDocumentedInBothItsModes() {
    Set<String> decisionPaths = new TreeSet<>();
    DOC.operations().stream().map(OpenApiContract.Operation::path).filter(p -> p.startsWith("/decisions")).forEach(decisionPaths::add);
    assertThat(decisionPaths).containsExactly("/decisions", "/decisions/{path}");
    // headers mode (the default): /decisions judges what the headers describe
    HttpResponse<String> judged = DOC.check(headers.send(headers.request("/decisions").GET()
        .header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET")));
    assertProblemCode(judged, 401, "api_key_missing");
    // path mode: the path below /decisions is the call, with the request's own method
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
      HttpResponse<String> r = DOC.check(path.send(path.request("/decisions/orders/A-1").method(method, HttpRequest.BodyPublishers.noBody())));
      assertProblemCode(r, method.equals("GET") ? 401 : 405, method.equals("GET") ? "api_key_missing" : "method_not_allowed");
    }
  }

  static void assertProblemCode(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("code")).as(r.body()).isEqualTo(code);
  }

  /** A request for {@code op} with made-up ids, an unreadable JSON body on admin writes, and nothing else. */
  HttpResponse<String> callAsIs(FullServer server, OpenApiContract.Operation op, String bearer, String... headers) {
    Matcher m = DOC_PARAM.matcher(op.path());
    StringBuilder path = new StringBuilder();
    while (m.find()) {
      String name = m.group().substring(1, m.group().length() - 1);
      m.appendReplacement(path, SAMPLES.getOrDefault(name, "nope"));
    }
    m.appendTail(path);
    boolean adminWrite = op.path().startsWith("/admin/") && !op.method().equals("GET");
    return server.call(op.method(), path.toString(), adminWrite ? "{\"" : null, bearer, headers);
  }

  FullServer serverFor(OpenApiContract.Operation op) {
    return op.path().startsWith("/decisions/") ? path : headers;
  }

  @Test
  void everyDocumentedOperationAnswersAsDocumented() {
    for (OpenApiContract.Operation op : DOC.operations()) {
      FullServer server = serverFor(op);
      HttpResponse<String> r = DOC.check(op, callAsIs(server, op, op.path().startsWith("/admin/") ? server.admin() : null));
      if (r.headers().firstValue("content-type").orElse("").contains("json") && !r.body().isEmpty()) {
        assertThat(new JsonObject(r.body()).getString("code", "")).as(op + " reached its handler: " + r.body()).isNotEqualTo("route_not_found");
      }
    }
  }

  @Test
  void everyAdminOperationIsRefusedToTheRolesItsAccessExcludes() {
    for (OpenApiContract.Operation op : DOC.operations()) {
      if (!op.path().startsWith("/admin/")) {
        continue;
      }
      AdminRole.Access access = AdminRole.Access.valueOf(op.node().get("x-toolgate-access").asString().toUpperCase(Locale.ROOT));
      for (AdminRole role : AdminRole.values()) {
        HttpResponse<String> r = DOC.check(op, callAsIs(headers, op, headers.tokens.get(role)));
        boolean refused = r.statusCode() == 403 && r.body().contains("\"admin_role_forbidden\"");
        assertThat(refused).as(op + " as " + role.value() + " (documented: " + access + "): " + r.statusCode() + " " + r.body())
            .isEqualTo(!role.allows(access));
      }
    }
  }

  @Test
  void idempotencyKeyIsHonouredExactlyWhereDocumented() {
    for (OpenApiContract.Operation op : DOC.operations()) {
      if (!op.path().startsWith("/admin/") || op.method().equals("GET")) {
        continue;
      }
      boolean documented = false;
      for (var p : op.node().path("parameters")) {
        documented |= p.path("$ref").asString("").equals("#/components/parameters/IdempotencyKey");
      }
      // Not visible ASCII: refused by the creations that honour the header, before anything else is read.
      HttpResponse<String> r = DOC.check(op, callAsIs(headers, op, headers.admin(), "idempotency-key", "not a key"));
      assertThat(r.statusCode() == 400 && r.body().contains("Idempotency-Key")).as(op + ": Idempotency-Key documented " + documented + ": "
          + r.statusCode() + " " + r.body()).isEqualTo(documented);
    }
  }
}
