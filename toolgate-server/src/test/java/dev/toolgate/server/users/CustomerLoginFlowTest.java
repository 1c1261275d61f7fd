package dev.toolgate.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.server.http.HarnessAccess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The wired server: customer login → user JWT → a tool requiring it → logout → refused. */
class CustomerLoginFlowTest {
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void loginTokenOpensAUserToolUntilLogout() throws Exception {
    try (HarnessAccess h = HarnessAccess.create("""
          - name: profile
            method: POST
            path: /account/profile
            upstream: UPSTREAM
            policy:
              require: [user_token]
              user_token: { header: customer-auth, scheme: JWT, body_field: /context/jwt }
        authorization_server:
          password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
        """)) {
      PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
      new UserStore(h.adminDb()).createUser("ada", hasher.hash("correct horse battery"));
      h.start();

      HttpResponse<String> wrong = form(h, "/auth/customer_authenticate", "username=ada&password=nope");
      HttpResponse<String> unknown = form(h, "/auth/customer_authenticate", "username=bob&password=nope");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(unknown.body()).isEqualTo(wrong.body());

      HttpResponse<String> login = form(h, "/auth/customer_authenticate", "username=ada&password=correct+horse+battery");
      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      JsonObject body = new JsonObject(login.body());
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("issued_at", "JWT", "expires_in");
      String jwt = body.getString("JWT");
      String subject = SignedJWT.parse(jwt).getJWTClaimsSet().getSubject();
      assertThat(subject).startsWith("oc").doesNotContain("ada");

      // Sendbird can only put the user's JWT in the body: the messenger context arrives there.
      HttpResponse<String> inBody = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/account/profile"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"jwt\":\"" + jwt + "\"}}")).header("content-type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(inBody.statusCode()).as(inBody.body()).isEqualTo(200);
      assertThat(h.lastUpstreamHeader("x-toolgate-user")).isEqualTo(subject);
      HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/account/profile"))
          .POST(HttpRequest.BodyPublishers.ofString("jwt=" + jwt)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(notJson.body()).getString("code")).isEqualTo("body_not_json");

      HttpResponse<String> logout = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/auth/logout"))
          .POST(HttpRequest.BodyPublishers.noBody()).header("authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(logout.statusCode()).isEqualTo(204);
      HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/account/profile"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).header("customer-auth", "JWT " + jwt).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(after.body()).getString("code")).isEqualTo("user_token_revoked");
    }
  }

  HttpResponse<String> form(HarnessAccess h, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(h.base() + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
  }
}
