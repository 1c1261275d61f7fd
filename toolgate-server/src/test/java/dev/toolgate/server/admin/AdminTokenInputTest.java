package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Creating an admin token reads its body as strictly as creating a credential: an admin token is
 * the most powerful credential there is, and the role defaults to admin, so a misspelt or repeated
 * field must be refused rather than turn into an admin token or one that never expires.
 */
class AdminTokenInputTest extends AdminApiTestBase {

  private int adminTokens() {
    return api.tokens.list().size();
  }

  @Test
  void aMisspeltRoleIsRefusedNotMadeAnAdminToken() {
    int before = adminTokens();
    HttpResponse<String> refused = api.call("POST", "/admin/admin-tokens", "{\"name\":\"ci\",\"rol\":\"read_only\"}");
    assertProblem(refused, 400, "invalid_request");
    assertThat(json(refused).getString("detail")).contains("rol");
    assertThat(adminTokens()).isEqualTo(before);
  }

  @Test
  void aMisspeltExpiryIsRefusedNotMadeATokenThatNeverExpires() {
    int before = adminTokens();
    assertProblem(api.call("POST", "/admin/admin-tokens",
        "{\"name\":\"ci\",\"role\":\"read_only\",\"expire_at\":\"2030-01-01T00:00:00Z\"}"), 400, "invalid_request");
    assertThat(adminTokens()).isEqualTo(before);
  }

  @Test
  void aRepeatedRoleIsRefused() {
    int before = adminTokens();
    // A reviewer (or a proxy) reading the first member sees read_only; the last one would win.
    assertProblem(api.call("POST", "/admin/admin-tokens",
        "{\"name\":\"ci\",\"role\":\"read_only\",\"role\":\"admin\"}"), 400, "invalid_request");
    assertThat(adminTokens()).isEqualTo(before);
  }

  @Test
  void aWellFormedBodyStillWorks() {
    HttpResponse<String> created = api.call("POST", "/admin/admin-tokens",
        "{\"name\":\"ci\",\"role\":\"read_only\",\"expires_at\":\"2030-01-01T00:00:00Z\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).getString("role")).isEqualTo("read_only");
  }
}
