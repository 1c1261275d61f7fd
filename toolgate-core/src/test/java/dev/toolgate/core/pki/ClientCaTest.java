package dev.toolgate.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLocation;
import dev.toolgate.core.config.PemFile;
import dev.toolgate.core.request.ClientCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client certificate's chain is checked against the platform's CA for real: PKIX, dates, client use. */
class ClientCaTest {
  private static TestCertificates.Issued platformCa;
  private static TestCertificates.Issued otherCa;
  private static ClientCa ca;

  @BeforeAll
  static void certificates(@TempDir Path dir) throws Exception {
    platformCa = TestCertificates.ca("Sendbird Agents CA");
    otherCa = TestCertificates.ca("Someone Else");
    Path file = Files.writeString(dir.resolve("ca.pem"), platformCa.chainPem());
    ca = ClientCa.load("sendbird", new PemFile(file.toString(), new ConfigLocation(dir.resolve("toolgate.yaml"), 9,
        "platforms.sendbird.client_certificates.ca")));
  }

  private static List<X509Certificate> chain(TestCertificates.Issued issued) {
    List<X509Certificate> chain = new ArrayList<>(List.of(issued.certificate()));
    chain.addAll(issued.issuers());
    return chain;
  }

  @Test
  void aCertificateOfThePlatformsCaVerifiesAndCarriesItsNames() {
    TestCertificates.Issued agent = TestCertificates.issue(platformCa, TestCertificates.spec().subject("CN=agent,O=Example")
        .uri("spiffe://example.org/agent").dns("agent.example.org").clientAuth());
    ClientCertificate checked = ca.check(chain(agent), Instant.now());
    assertThat(checked.verified()).isTrue();
    assertThat(checked.platform()).isEqualTo("sendbird");
    assertThat(checked.subject()).isEqualTo("CN=agent,O=Example");
    assertThat(checked.spiffeId()).isEqualTo("spiffe://example.org/agent");
    assertThat(checked.dnsNames()).containsExactly("agent.example.org");
    assertThat(checked.notAfter()).isEqualTo(agent.certificate().getNotAfter().toInstant());
    assertThat(checked.thumbprint()).hasSize(43).doesNotContain("=", ",");
    assertThat(checked.describe()).isEqualTo("CN=agent,O=Example (spiffe://example.org/agent)");
  }

  @Test
  void throughAnIntermediateAndWithTheRootSentAlong() {
    TestCertificates.Issued intermediate = TestCertificates.issue(platformCa, TestCertificates.spec().subject("CN=Issuing").ca());
    TestCertificates.Issued agent = TestCertificates.issue(intermediate, TestCertificates.spec().subject("CN=agent"));
    assertThat(ca.check(chain(agent), Instant.now()).problem()).isNull();
    List<X509Certificate> withRoot = new ArrayList<>(chain(agent));
    withRoot.add(platformCa.certificate());
    assertThat(ca.check(withRoot, Instant.now()).problem()).isNull();
    assertThat(ca.check(List.of(agent.certificate()), Instant.now()).problem()).contains("not issued by the CA of platform sendbird");
  }

  @Test
  void refusalsSayWhy() {
    TestCertificates.Issued foreign = TestCertificates.issue(otherCa, TestCertificates.spec().subject("CN=agent"));
    assertThat(ca.check(chain(foreign), Instant.now()).problem())
        .isEqualTo("it was not issued by the CA of platform sendbird (platforms.sendbird.client_certificates.ca)");

    Instant past = Instant.now().minus(Duration.ofDays(2));
    TestCertificates.Issued expired = TestCertificates.issue(platformCa, TestCertificates.spec().subject("CN=old").valid(past.minus(Duration.ofDays(9)), past));
    assertThat(ca.check(chain(expired), Instant.now()).problem()).isEqualTo("the certificate has expired");

    TestCertificates.Issued future = TestCertificates.issue(platformCa, TestCertificates.spec().subject("CN=new")
        .valid(Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(9))));
    assertThat(ca.check(chain(future), Instant.now()).problem()).isEqualTo("the certificate is not valid yet");

    TestCertificates.Issued serverOnly = TestCertificates.issue(platformCa, TestCertificates.spec().subject("CN=web").serverAuth());
    assertThat(ca.check(chain(serverOnly), Instant.now()).problem()).contains("not for client authentication");

    TestCertificates.Issued selfSigned = TestCertificates.selfSigned(TestCertificates.spec().subject("CN=Sendbird Agents CA"));
    assertThat(ca.check(chain(selfSigned), Instant.now()).verified()).isFalse();
  }
}
