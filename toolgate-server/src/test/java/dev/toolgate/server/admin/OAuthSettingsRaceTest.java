package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.users.TestDb;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many changes of one client's OAuth settings at once, on both backends. Whatever the order the
 * store serialises them in, the outcome is fixed: of many PUTs naming the same version exactly one
 * is made; concurrent key additions all stay; of two removals that would each leave the last key,
 * exactly one is made. No timing is assumed.
 */
class OAuthSettingsRaceTest {
  static final int WRITERS = 12;

  static AdminApiHarness start(String backend) {
    return AdminApiHarness.start(backend.equals("postgres") ? TestDb.postgres() : TestDb.sqlite());
  }

  static List<HttpResponse<String>> together(List<Callable<HttpResponse<String>>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CyclicBarrier start = new CyclicBarrier(calls.size());
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (Callable<HttpResponse<String>> call : calls) {
        futures.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return call.call();
        }));
      }
      List<HttpResponse<String>> out = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  static Map<Integer, Long> statuses(List<HttpResponse<String>> answers) {
    return answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void ofManyPutsWithTheSameIfMatchExactlyOneIsMade(String backend) throws Exception {
    try (AdminApiHarness api = start(backend)) {
      String client = api.credentials.createClient("racer", "asapp").id();
      String path = "/admin/clients/" + client + "/oauth";
      String etag = api.call("GET", path, null).headers().firstValue("etag").orElseThrow();
      List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        String body = new JsonObject().put("scopes", new JsonArray().add("s" + i)).put("token_ttl_seconds", 60)
            .put("auth_methods", new JsonArray().add("client_secret_basic")).put("redirect_uris", new JsonArray()).encode();
        calls.add(() -> api.call("PUT", path, body, api.adminToken, "If-Match", etag));
      }
      List<HttpResponse<String>> answers = together(calls);
      assertThat(statuses(answers)).as(backend).isEqualTo(Map.of(200, 1L, 412, (long) WRITERS - 1));
      JsonObject winner = json(answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow());
      assertThat(json(api.call("GET", path, null))).isEqualTo(winner);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void concurrentKeyAdditionsAllStay(String backend) throws Exception {
    try (AdminApiHarness api = start(backend)) {
      String client = api.credentials.createClient("racer", "asapp").id();
      List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        JWK key = new ECKeyGenerator(Curve.P_256).keyID("k" + i).generate().toPublicJWK();
        String body = new JsonObject().put("jwk", new JsonObject(key.toJSONObject())).encode();
        calls.add(() -> api.call("POST", "/admin/clients/" + client + "/keys", body));
      }
      assertThat(statuses(together(calls))).as(backend).isEqualTo(Map.of(201, (long) WRITERS));
      assertThat(api.oauth.oauthSettings(client).jwks().getKeys()).hasSize(WRITERS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void twoRemovalsCannotTogetherTakeTheLastKey(String backend) throws Exception {
    try (AdminApiHarness api = start(backend)) {
      String client = api.credentials.createClient("racer", "asapp").id();
      JWK a = new ECKeyGenerator(Curve.P_256).keyID("a").generate().toPublicJWK();
      JWK b = new ECKeyGenerator(Curve.P_256).keyID("b").generate().toPublicJWK();
      api.oauth.updateOAuthSettings(client, s -> new OAuthSettings(s.allowedScopes(), s.tokenTtl(), Set.of(OAuthSettings.PRIVATE_KEY_JWT),
          new com.nimbusds.jose.jwk.JWKSet(List.of(a, b)), s.redirectUris()));
      String keys = "/admin/clients/" + client + "/keys/";
      List<HttpResponse<String>> answers = together(List.of(() -> api.call("DELETE", keys + "a", null), () -> api.call("DELETE", keys + "b", null)));
      assertThat(statuses(answers)).as(backend).isEqualTo(Map.of(200, 1L, 409, 1L));
      assertThat(api.oauth.oauthSettings(client).jwks().getKeys()).hasSize(1);
    }
  }
}
