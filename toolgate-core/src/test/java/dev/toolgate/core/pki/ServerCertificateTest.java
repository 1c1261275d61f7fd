package dev.toolgate.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.ConfigLocation;
import dev.toolgate.core.config.PemFile;
import dev.toolgate.core.config.ServerTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener's certificate and key are checked before anything serves them, each problem naming its setting and line. */
class ServerCertificateTest {
  private static final Path CONFIG = Path.of("/etc/toolgate/toolgate.yaml");
  private static TestCertificates.Issued ca;
  private static TestCertificates.Issued server;

  @TempDir Path dir;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.ca("Test CA");
    server = TestCertificates.server(ca);
  }

  private ServerTls tls(Path certificate, Path key) {
    return new ServerTls(new PemFile(certificate.toString(), new ConfigLocation(CONFIG, 4, "server.tls.certificate")),
        new PemFile(key.toString(), new ConfigLocation(CONFIG, 5, "server.tls.key")), null);
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String message(Runnable load) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(load::run).isInstanceOf(ConfigException.class).satisfies(t -> caught[0] = t);
    return caught[0].getMessage();
  }

  @Test
  void aChainAndItsKeyLoadInEachKeyFormat() throws Exception {
    Path chain = write("chain.pem", "openssl writes text before a block\n" + server.chainPem());
    ServerCertificate pkcs8 = ServerCertificate.load(tls(chain, write("key.pem", server.keyPem())), Instant.now());
    ServerCertificate sec1 = ServerCertificate.load(tls(chain, write("ec.pem", server.legacyKeyPem())), Instant.now());
    assertThat(server.legacyKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    // SEC1 without its curve (the JDK's own inner encoding): nothing can read it, and the error says what to do.
    byte[] bare = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(server.keys().getPrivate().getEncoded()).getPrivateKey().getOctets();
    assertThat(message(() -> load(chain, TestCertificates.pem("EC PRIVATE KEY", bare))))
        .contains("server.tls.key: ").contains("does not name its curve").contains("openssl pkcs8 -topk8");
    assertThat(pkcs8.leaf()).isEqualTo(server.certificate());
    assertThat(((java.security.interfaces.ECPrivateKey) sec1.key()).getS()).isEqualTo(((java.security.interfaces.ECPrivateKey) pkcs8.key()).getS());
    assertThat(pkcs8.describe()).contains("CN=localhost").doesNotContain("PRIVATE");
    assertThat(pkcs8.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");

    TestCertificates.Issued rsa = TestCertificates.issue(ca, TestCertificates.spec().subject("CN=rsa").rsa());
    assertThat(rsa.legacyKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    ServerCertificate pkcs1 = ServerCertificate.load(tls(rsa.writeChain(dir.resolve("rsa.pem")), write("rsa-key.pem", rsa.legacyKeyPem())),
        Instant.now());
    assertThat(pkcs1.key().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void anIntermediateChainInOrderLoads() throws Exception {
    TestCertificates.Issued intermediate = TestCertificates.issue(ca, TestCertificates.spec().subject("CN=Intermediate").ca());
    TestCertificates.Issued leaf = TestCertificates.server(intermediate);
    ServerCertificate loaded = ServerCertificate.load(tls(leaf.writeChain(dir.resolve("c.pem")), leaf.writeKey(dir.resolve("k.pem"))), Instant.now());
    assertThat(loaded.chain()).hasSize(2);
    assertThat(loaded.chainPem()).contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE");
  }

  @Test
  void aChainOutOfOrderIsRefusedAtTheCertificateLine() throws Exception {
    TestCertificates.Issued intermediate = TestCertificates.issue(ca, TestCertificates.spec().subject("CN=Intermediate").ca());
    TestCertificates.Issued leaf = TestCertificates.server(intermediate);
    String reversed = TestCertificates.pem("CERTIFICATE", intermediate.certificate().getEncoded())
        + TestCertificates.pem("CERTIFICATE", leaf.certificate().getEncoded());
    String error = message(() -> load(write2("c.pem", reversed), leaf.keyPem()));
    assertThat(error).startsWith(CONFIG + ":4: server.tls.certificate: ").contains("are not a chain").contains("put the server's certificate first");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAtTheKeyLine() throws Exception {
    TestCertificates.Issued other = TestCertificates.server(ca);
    String error = message(() -> load(write2("c.pem", server.chainPem()), other.keyPem()));
    assertThat(error).startsWith(CONFIG + ":5: server.tls.key: ").contains("is not the key of the certificate").doesNotContain("BEGIN");
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    Instant past = Instant.now().minus(Duration.ofDays(10));
    TestCertificates.Issued expired = TestCertificates.issue(ca, TestCertificates.spec().subject("CN=old").valid(past.minus(Duration.ofDays(30)), past));
    String error = message(() -> load(write2("c.pem", expired.chainPem()), expired.keyPem()));
    assertThat(error).startsWith(CONFIG + ":4: server.tls.certificate: the certificate (CN=old) expired at ").contains("install a renewed one");
  }

  @Test
  void aCertificateAboutToExpireOrNotYetValidLoadsWithAWarning() throws Exception {
    TestCertificates.Issued soon = TestCertificates.issue(ca, TestCertificates.spec().subject("CN=soon")
        .valid(Instant.now().minus(Duration.ofDays(80)), Instant.now().plus(Duration.ofDays(3))));
    ServerCertificate loaded = ServerCertificate.load(tls(soon.writeChain(dir.resolve("s.pem")), soon.writeKey(dir.resolve("sk.pem"))), Instant.now());
    assertThat(loaded.validityWarning(Instant.now())).contains("expires at");
    assertThat(loaded.validityWarning(Instant.now().minus(Duration.ofDays(81)))).contains("is not valid before");
    assertThat(ServerCertificate.load(tls(server.writeChain(dir.resolve("a.pem")), server.writeKey(dir.resolve("ak.pem"))), Instant.now())
        .validityWarning(Instant.now())).isNull();
  }

  @Test
  void filesThatCannotBeUsedSayWhy() throws Exception {
    Path chain = server.writeChain(dir.resolve("chain.pem"));
    Path key = server.writeKey(dir.resolve("key.pem"));
    assertThat(message(() -> ServerCertificate.load(tls(dir.resolve("missing.pem"), key), Instant.now())))
        .isEqualTo(CONFIG + ":4: server.tls.certificate: cannot read " + dir.resolve("missing.pem") + ": no such file");
    assertThat(message(() -> ServerCertificate.load(tls(key, key), Instant.now())))
        .contains("server.tls.certificate: ").contains("holds no certificate");
    assertThat(message(() -> ServerCertificate.load(tls(chain, chain), Instant.now())))
        .contains("server.tls.key: ").contains("holds no private key");
    assertThat(message(() -> load(write2("c.pem", server.chainPem()), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")))
        .contains("is encrypted").contains("openssl pkey");
    assertThat(message(() -> load(write2("c.pem", server.chainPem()),
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n")))
        .contains("is encrypted");
    assertThat(message(() -> load(write2("c.pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"), server.keyPem())))
        .contains("is not a valid PEM file").contains("not valid base64");
    assertThat(message(() -> load(write2("c.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n"), server.keyPem())))
        .contains("has no -----END CERTIFICATE----- line");
    assertThat(message(() -> load(write2("c.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), server.keyPem())))
        .contains("certificate 1 of ").contains("is not a valid X.509 certificate");
  }

  @Test
  void theDigestFollowsTheContentOnly() {
    byte[] a = server.chainPem().getBytes(StandardCharsets.US_ASCII);
    byte[] k = server.keyPem().getBytes(StandardCharsets.US_ASCII);
    assertThat(ServerCertificate.digest(a, k)).isEqualTo(ServerCertificate.digest(a.clone(), k.clone()));
    assertThat(ServerCertificate.digest(a, k)).isNotEqualTo(ServerCertificate.digest(k, a));
  }

  private Path write2(String name, String text) {
    try {
      return write(name, text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void load(Path chain, String keyText) {
    ServerCertificate.load(tls(chain, write2("key-" + System.nanoTime() + ".pem", keyText)), Instant.now());
  }
}
