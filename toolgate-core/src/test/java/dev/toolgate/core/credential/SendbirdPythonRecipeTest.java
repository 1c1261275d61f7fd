package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.route.Route;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vendor's Python recipe (from the Sendbird "Authentication for Tools" page) used as a real,
 * independent signer: CPython signs, Toolgate verifies. Skipped when no {@code python3} is on PATH.
 */
class SendbirdPythonRecipeTest {
  // Exactly the recipe of the seed document, turned into a signer; inputs arrive base64-encoded in
  // argv so that no shell or locale can alter the bytes, then are decoded to str as Sendbird has them.
  private static final String SIGNER = String.join("\n",
      "import sys, base64, hmac, hashlib",
      "def sign(api_token, payload):",
      "    key = api_token.encode('utf-8')",
      "    return hmac.new(key, payload.encode('utf-8'), hashlib.sha256).hexdigest()",
      "args = [base64.b64decode(a).decode('utf-8') for a in sys.argv[1:]]",
      "for i in range(0, len(args), 2):",
      "    print(sign(args[i], args[i + 1]))",
      "");

  @BeforeAll
  static void requirePython() {
    assumeTrue(pythonAvailable(), "python3 is not available; skipping the vendor-recipe interop test");
  }

  private static boolean pythonAvailable() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import hmac, hashlib").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs the vendor recipe over (token, payload) pairs and returns one hex signature per pair. */
  private static List<String> pythonSign(List<String[]> pairs) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", "-c", SIGNER));
    for (String[] pair : pairs) {
      command.add(Base64.getEncoder().encodeToString(utf8(pair[0])));
      command.add(Base64.getEncoder().encodeToString(utf8(pair[1])));
    }
    Process p = new ProcessBuilder(command).start();
    byte[] out;
    byte[] err;
    try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
      out = stdout.readAllBytes();
      err = stderr.readAllBytes();
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("python3 finished").isTrue();
    assertThat(p.exitValue()).as("python3 exit; stderr: " + new String(err, StandardCharsets.UTF_8)).isZero();
    List<String> lines = new String(out, StandardCharsets.US_ASCII).lines().toList();
    assertThat(lines).hasSize(pairs.size());
    return lines;
  }

  private static String bodyOfExactly512Bytes() {
    StringBuilder sb = new StringBuilder("{\"tool\":\"search\",\"args\":{\"q\":\"");
    String tail = "\"}}";
    while (sb.length() + tail.length() < 512) {
      sb.append((char) ('a' + sb.length() % 26));
    }
    String body = sb.append(tail).toString();
    assertThat(utf8(body)).hasSize(512);
    return body;
  }

  private static String multibyteBodyOfAbout512Bytes() {
    StringBuilder sb = new StringBuilder("{\"text\":\"");
    while (utf8(sb.toString()).length < 500) {
      sb.append("héllo 你好 🚀 ");
    }
    return sb.append("\"}").toString();
  }

  @Test
  void javaVerifiesWhatTheVendorRecipeSigns() throws Exception {
    String token = "api-token-123";
    String nonAsciiToken = "tök€n-🔑-" + "f".repeat(40);
    List<String> bodies = List.of(
        "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}",
        "{\"message\":\"héllo 你好 🚀\",\"user_id\":\"u-42\"}",
        "héllo 你好 🚀",
        "",
        bodyOfExactly512Bytes(),
        multibyteBodyOfAbout512Bytes(),
        "{\n  \"pretty\": true,\r\n  \"tab\":\t\"x\"\n}\n",
        "\u0000 nul and \u007f del");
    List<String[]> pairs = new ArrayList<>();
    for (String body : bodies) {
      pairs.add(new String[] {token, body});
    }
    for (String body : bodies) {
      pairs.add(new String[] {nonAsciiToken, body});
    }
    List<String> pythonSignatures = pythonSign(pairs);

    Route route = route("sendbird", PlatformConfig.withDefaults("sendbird"), require(CredentialKind.SENDBIRD_SIGNATURE));
    for (int i = 0; i < pairs.size(); i++) {
      String key = pairs.get(i)[0];
      byte[] body = utf8(pairs.get(i)[1]);
      String python = pythonSignatures.get(i);
      assertThat(python).as("python output %d", i).matches("[0-9a-f]{64}");
      assertThat(HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(key), body)))
          .as("Java HMAC of body %d (%d bytes)", i, body.length).isEqualTo(python);

      InMemoryCredentialDirectory dir = new InMemoryCredentialDirectory().client("cli_sb", "sendbird").signingSecret("sec_py", "cli_sb", key);
      SendbirdSignatureVerifier verifier = new SendbirdSignatureVerifier(dir, CLOCK);
      Verification ok = verifier.verify(call(headers("X-Sendbird-Signature", python), body), route);
      assertThat(ok.passed()).as("body %d: %s", i, ok.detail()).isTrue();
      assertThat(ok.credentialId()).isEqualTo("sec_py");
      assertThat(ok.clientId()).isEqualTo("cli_sb");

      // The same signature over the body with one more byte must not pass.
      byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
      Verification bad = verifier.verify(call(headers("x-sendbird-signature", python), longer), route);
      assertThat(bad.passed()).isFalse();
      assertThat(bad.code()).isEqualTo(DenialCode.SIGNATURE_INVALID);
      assertNoLeak(bad, key, python);
    }
  }

  @Test
  void pythonAndJavaAgreeOnTheVendorVector() throws Exception {
    List<String> sig = pythonSign(List.<String[]>of(new String[] {"api-token-123", "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}"}));
    assertThat(sig).containsExactly("84fbd3d10478496e8de1148660262851b60a2979231baf240cbeddbcbff57439");
  }
}
