package dev.toolgate.server.cli;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sign", mixinStandardHelpOptions = true,
    description = {"Print the x-sendbird-signature of a body: lowercase hex HMAC-SHA256 of the exact bytes,",
        "keyed by the secret. For testing tools by hand, e.g.:",
        "  curl -H \"x-sendbird-signature: $(toolgate sign --secret-env TOKEN --body \"$BODY\")\" --data-raw \"$BODY\" ..."})
final class SignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOption output;
  @Mixin NoServer noServer;

  @ArgGroup(exclusive = true, multiplicity = "1") Secret secret;
  @ArgGroup(exclusive = true, multiplicity = "1") Body body;

  static final class Secret {
    @Option(names = "--secret", paramLabel = "VALUE", description = "The secret itself (visible in process lists: for test secrets only).") String value;
    @Option(names = "--secret-env", paramLabel = "VAR", description = "Read the secret from this environment variable.") String env;
  }

  static final class Body {
    @Option(names = "--body", paramLabel = "TEXT", description = "The body, as UTF-8 text.") String text;
    @Option(names = "--body-file", paramLabel = "FILE", description = "The body, as the exact bytes of a file.") Path file;
  }

  @Override
  public Integer call() throws IOException {
    String key = secret.value;
    if (secret.env != null) {
      key = Secrets.fromEnv("--secret-env", secret.env);
    }
    if (key.isEmpty()) {
      throw UserError.usage("the secret is empty");
    }
    byte[] bytes;
    try {
      bytes = body.file != null ? Files.readAllBytes(body.file) : body.text.getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw UserError.usage("cannot read --body-file " + body.file + (java.nio.file.Files.exists(body.file) ? "" : ": no such file"));
    }
    byte[] mac = SendbirdSignatureVerifier.hmac(key.getBytes(StandardCharsets.UTF_8), bytes);
    String signature = HexFormat.of().formatHex(mac);
    output.print(spec, new JsonObject().put("signature", signature), out -> out.println(signature));
    return 0;
  }
}
