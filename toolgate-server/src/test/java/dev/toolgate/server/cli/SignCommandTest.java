package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code toolgate sign}: the Sendbird signature of a body, checked against the shared vector. */
class SignCommandTest extends CliTestSupport {
  /** ../shared/vectors/sendbird/vectors.json, case 0. */
  static final String API_TOKEN = "api-token-123";
  static final String BODY = "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}";
  static final String SIGNATURE = "84fbd3d10478496e8de1148660262851b60a2979231baf240cbeddbcbff57439";

  @Test
  void signsTheSendbirdVector() {
    Run r = run("sign", "--secret", API_TOKEN, "--body", BODY).ok();
    assertThat(r.out()).isEqualTo(SIGNATURE + "\n");
  }

  @Test
  void bodyFileGivesTheSameSignature() throws IOException {
    Path file = dir.resolve("body.json");
    Files.write(file, BODY.getBytes(StandardCharsets.UTF_8));
    assertThat(run("sign", "--secret", API_TOKEN, "--body-file", file.toString()).ok().out()).isEqualTo(SIGNATURE + "\n");
  }

  @Test
  void bodyFileIsSignedByteForByte() throws IOException {
    // A trailing newline is part of the body: the signature must change.
    Path file = dir.resolve("body-nl.json");
    Files.write(file, (BODY + "\n").getBytes(StandardCharsets.UTF_8));
    String withNewline = run("sign", "--secret", API_TOKEN, "--body-file", file.toString()).ok().out().strip();
    assertThat(withNewline).matches("[0-9a-f]{64}").isNotEqualTo(SIGNATURE);
    assertThat(run("sign", "--secret", API_TOKEN, "--body", BODY + "\n").ok().out().strip()).isEqualTo(withNewline);
  }

  @Test
  void signatureDependsOnEveryCharacter() {
    assertThat(run("sign", "--secret", API_TOKEN, "--body", BODY.replace("A-1", "A-2")).ok().out().strip())
        .matches("[0-9a-f]{64}").isNotEqualTo(SIGNATURE);
    assertThat(run("sign", "--secret", API_TOKEN + "x", "--body", BODY).ok().out().strip()).isNotEqualTo(SIGNATURE);
  }

  @Test
  void secretFromTheEnvironment() {
    Map.Entry<String, String> variable = CliCredentialLifecycleTest.someSetVariable();
    String expected = run("sign", "--secret", variable.getValue(), "--body", BODY).ok().out();
    assertThat(run("sign", "--secret-env", variable.getKey(), "--body", BODY).ok().out()).isEqualTo(expected);
  }

  @Test
  void unsetSecretVariableIsAUserError() {
    String unset = CliErrorsTest.unsetVariable();
    Run r = run("sign", "--secret-env", unset, "--body", BODY).invalid("the environment variable named by --secret-env is not set or empty");
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).doesNotContain(unset);
  }

  @Test
  void emptySecretIsAUserError() {
    run("sign", "--secret", "", "--body", BODY).invalid("the secret is empty");
  }

  @Test
  void emptyBodyIsSignable() {
    assertThat(run("sign", "--secret", API_TOKEN, "--body", "").ok().out().strip()).matches("[0-9a-f]{64}");
  }
}
