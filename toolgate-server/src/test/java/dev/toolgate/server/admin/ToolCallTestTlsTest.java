package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.tls.TlsClients;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Behind {@code server.tls}, a test call reaches the gateway over TLS, trusting the certificate it serves. */
class ToolCallTestTlsTest {
  @Test
  void aTestCallGoesThroughTheTlsListener() throws Exception {
    Path certs = Files.createTempDirectory("toolgate-testcall-tls-");
    TestCertificates.Issued ca = TestCertificates.ca("Toolgate Test CA");
    TestCertificates.Issued server = TestCertificates.server(ca);
    String tls = "  tls:\n    certificate: " + server.writeChain(certs.resolve("chain.pem")) + "\n    key: "
        + server.writeKey(certs.resolve("key.pem")) + "\n";
    try (TestCallHarness h = new TestCallHarness(TestCallHarness.TOOLS, tls, TlsClients.context(ca, null))) {
      JsonObject answer = h.tested(new JsonObject().put("tool", "big").put("credential", new JsonObject().put("kind", "none")));
      assertThat(answer.getJsonObject("response").getInteger("status")).isEqualTo(200);
      assertThat(answer.getJsonObject("decision").getString("decision")).isEqualTo("allow");
      assertThat(h.upstream.hits.get()).isEqualTo(1);
    }
  }
}
