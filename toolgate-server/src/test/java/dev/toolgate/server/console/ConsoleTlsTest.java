package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.tls.TlsClients;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Over TLS the session cookie is Secure and __Host-, and only that cookie is a session. */
class ConsoleTlsTest {
  @Test
  void theCookieIsSecureAndHostOnlyAndTheOriginMustBeHttps() throws Exception {
    Path certs = Files.createTempDirectory("toolgate-console-tls-");
    TestCertificates.Issued ca = TestCertificates.ca("Toolgate Console Test CA");
    TestCertificates.Issued cert = TestCertificates.server(ca);
    try (ConsoleServer server = ConsoleServer.startTls(cert.writeChain(certs.resolve("chain.pem")), cert.writeKey(certs.resolve("key.pem")),
        TlsClients.context(ca, null))) {
      String admin = server.adminToken(AdminRole.ADMIN).plaintext();
      assertThat(server.base()).startsWith("https://");
      assertThat(server.get("/console/").statusCode()).isEqualTo(200);

      HttpResponse<String> signIn = server.call("POST", "/console/session", new JsonObject().put("token", admin).encode(), "origin", server.base());
      assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
      String setCookie = signIn.headers().firstValue("set-cookie").orElseThrow();
      assertThat(setCookie).startsWith("__Host-toolgate_console=").endsWith("; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure")
          .doesNotContain("Domain");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      String csrf = new JsonObject(signIn.body()).getString("csrf_token");

      assertThat(server.get("/admin/clients", "cookie", cookie, "x-csrf-token", csrf).statusCode()).isEqualTo(200);
      // The same value under the plain name (as plain HTTP or another host could set it) is no session here.
      String plain = "toolgate_console=" + cookie.substring(cookie.indexOf('=') + 1);
      HttpResponse<String> unprefixed = server.get("/admin/clients", "cookie", plain, "x-csrf-token", csrf);
      assertThat(unprefixed.statusCode()).isEqualTo(401);
      // The http:// origin of the same host and port is another origin.
      HttpResponse<String> downgraded = server.call("POST", "/admin/users", "{\"username\":\"from-http\"}", "cookie", cookie,
          "x-csrf-token", csrf, "origin", server.base().replace("https://", "http://"));
      assertThat(downgraded.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(downgraded.body()).getString("code")).isEqualTo("csrf_token_invalid");
      HttpResponse<String> same = server.call("POST", "/admin/users", "{\"username\":\"from-https\"}", "cookie", cookie,
          "x-csrf-token", csrf, "origin", server.base());
      assertThat(same.statusCode()).as(same.body()).isEqualTo(201);
    }
  }
}
