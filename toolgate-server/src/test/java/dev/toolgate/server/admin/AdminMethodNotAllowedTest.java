package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A known admin path with a method it does not take is 405 {@code method_not_allowed} with {@code
 * Allow}; an unknown path stays 404; and a caller without an admin token learns neither.
 */
class AdminMethodNotAllowedTest extends AdminApiTestBase {

  @Test
  void aKnownPathWithAnotherMethodIs405WithAllow() {
    HttpResponse<String> collection = api.call("DELETE", "/admin/users", null);
    assertProblem(collection, 405, "method_not_allowed");
    assertThat(collection.headers().firstValue("allow")).hasValue("GET, POST");
    assertThat(json(collection).getString("detail")).contains("DELETE").contains("GET, POST");

    HttpResponse<String> item = api.call("PUT", "/admin/admin-tokens/adm_whatever", "{}");
    assertProblem(item, 405, "method_not_allowed");
    assertThat(item.headers().firstValue("allow")).hasValue("GET");

    HttpResponse<String> action = api.call("GET", "/admin/admin-tokens/adm_whatever/revoke", null);
    assertProblem(action, 405, "method_not_allowed");
    assertThat(action.headers().firstValue("allow")).hasValue("POST");

    HttpResponse<String> trailingSlash = api.call("PATCH", "/admin/clients/", "{}");
    assertProblem(trailingSlash, 405, "method_not_allowed");
    assertThat(trailingSlash.headers().firstValue("allow")).hasValue("GET, POST");
  }

  @Test
  void anUnknownPathIsStill404AndNoTokenIsStill401() {
    assertThat(api.call("DELETE", "/admin/nothing-here", null).statusCode()).isEqualTo(404);
    assertThat(api.call("DELETE", "/admin/users/usr_1/nothing", null).statusCode()).isEqualTo(404);
    HttpResponse<String> anonymous = api.call("DELETE", "/admin/users", null, null);
    assertProblem(anonymous, 401, "admin_token_invalid");
    assertThat(anonymous.headers().firstValue("allow")).isEmpty();
  }

  @Test
  void overARawSocketToo() {
    String answer = api.raw("DELETE /admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken
        + "\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 405 ");
    String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
    assertThat(head).contains("\r\nallow: get, post").contains("\r\ncontent-type: application/problem+json").contains("\r\nx-request-id: req_");
    assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).contains("\"code\":\"method_not_allowed\"").doesNotContain("Exception");

    // A body sent with the wrong method is not read, and the answer is the same.
    String withBody = api.raw("PUT /admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken
        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertThat(withBody).startsWith("HTTP/1.1 405 ");
    assertThat(withBody.toLowerCase(java.util.Locale.ROOT)).contains("\r\nallow: get, post");

    // Dot segments are resolved before routing: this names /admin/revoke, which nothing serves.
    String dots = api.raw("POST /admin/api-keys/%2E%2E/revoke HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertThat(dots).startsWith("HTTP/1.1 404 ").doesNotContainIgnoringCase("\r\nallow:");
  }

  @Test
  void templatesMatchOneNonEmptySegmentPerParameter() {
    assertThat(AdminMethodNotAllowed.matches("/admin/users/:id", "/admin/users/usr_1")).isTrue();
    assertThat(AdminMethodNotAllowed.matches("/admin/users/:id", "/admin/users/usr_1/")).isTrue();
    assertThat(AdminMethodNotAllowed.matches("/admin/users/:id", "/admin/users/")).isFalse();
    assertThat(AdminMethodNotAllowed.matches("/admin/users/:id", "/admin/users//")).isFalse();
    assertThat(AdminMethodNotAllowed.matches("/admin/users/:id", "/admin/users/a/b")).isFalse();
    assertThat(AdminMethodNotAllowed.matches("/admin/users", "/admin/userz")).isFalse();
  }
}
