package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.secret.SecretDigest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the store keeps of a request sent with Idempotency-Key must not be a plain hash of its body:
 * a user's password (or a given signing secret) is in that body, and a plain SHA-256 of it lets a
 * reader of the store test password guesses at hash speed, past the password hasher.
 */
class AdminIdempotencyDigestTest extends AdminApiTestBase {

  private List<String> storedDigests() throws Exception {
    List<String> digests = new ArrayList<>();
    try (Connection c = api.db.database().dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT request_digest FROM idempotency_keys");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        digests.add(rs.getString(1));
      }
    }
    return digests;
  }

  @Test
  void theStoredDigestCannotBeRecomputedFromTheBodyAlone() throws Exception {
    String body = "{\"username\":\"erin\",\"password\":\"Summer2026!Summer\"}";
    HttpResponse<String> first = api.call("POST", "/admin/users", body, api.adminToken, "Idempotency-Key", "user-erin");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);

    assertThat(storedDigests()).hasSize(1)
        .doesNotContain(SecretDigest.of("POST /admin/users\n" + body))
        .noneMatch(d -> d.contains("Summer"));

    // Still the same request for a retry by the same token: replayed, not created twice.
    HttpResponse<String> retry = api.call("POST", "/admin/users", body, api.adminToken, "Idempotency-Key", "user-erin");
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(AdminApiHarness.json(retry).getString("id")).isEqualTo(AdminApiHarness.json(first).getString("id"));
    // And another body under the same key is still another request.
    HttpResponse<String> other = api.call("POST", "/admin/users", body.replace("erin", "eric"), api.adminToken, "Idempotency-Key", "user-erin");
    assertThat(other.statusCode()).isEqualTo(422);
  }

  @Test
  void theQueryStringIsPartOfTheRequestAKeyStandsFor() {
    String body = "{\"username\":\"quinn\"}";
    HttpResponse<String> first = api.call("POST", "/admin/users?batch=1", body, api.adminToken, "Idempotency-Key", "user-quinn");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);

    HttpResponse<String> retry = api.call("POST", "/admin/users?batch=1", body, api.adminToken, "Idempotency-Key", "user-quinn");
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.headers().firstValue("idempotent-replayed")).hasValue("true");

    for (String target : List.of("/admin/users?batch=2", "/admin/users", "/admin/users?batch=1&batch=1")) {
      HttpResponse<String> other = api.call("POST", target, body, api.adminToken, "Idempotency-Key", "user-quinn");
      AdminApiHarness.assertProblem(other, 422, "idempotency_key_reused");
      assertThat(AdminApiHarness.json(other).getString("detail")).contains("query");
    }
    assertThat(api.users.findUserByUsername("quinn")).isPresent();
  }
}
