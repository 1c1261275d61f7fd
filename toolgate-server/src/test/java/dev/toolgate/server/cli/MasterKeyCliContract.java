package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.Toolgate;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A master key that is not the store's is refused loudly by every command and by the server, a
 * missing key file is never replaced by a new key, and {@code /readyz} says when a stored
 * credential cannot be decrypted. Real commands, a real server; each backend in a subclass.
 */
abstract class MasterKeyCliContract extends CliTestSupport {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Path keyFile;

  /** The {@code store:} section of the configuration, or "" for the default (SQLite next to the file). */
  abstract String storeSection();

  @BeforeEach
  void useBackend() throws Exception {
    Files.writeString(config, CONFIG + "server: { host: 127.0.0.1, port: 0 }\n" + storeSection(), StandardCharsets.UTF_8);
    keyFile = Path.of(loadedConfig().store().masterKeyFile());
  }

  /** A store holding a client and its signing secret, made by the CLI with the key file it created. */
  private String clientWithSecret() {
    createClient("sendbird-prod");
    return cmd("secret", "add", "--client", "sendbird-prod", "--generate").ok().find("Added signing secret (sec_\\w+)");
  }

  @Test
  void everyCommandAndTheServerRefuseAKeyFileThatIsNotTheStores() throws Exception {
    String secret = clientWithSecret();
    MasterKey right = MasterKey.fromFile(keyFile);
    MasterKey wrong = MasterKey.generate();
    Files.writeString(keyFile, wrong.toBase64() + "\n", StandardCharsets.US_ASCII);

    List<String[]> commands = List.of(
        new String[] {"secret", "add", "--client", "sendbird-prod", "--generate"},
        new String[] {"secret", "list", "--client", "sendbird-prod"},
        new String[] {"client", "list"},
        new String[] {"token", "create", "--client", "sendbird-prod"},
        new String[] {"keys", "list"},
        new String[] {"user", "list"},
        new String[] {"audit"},
        new String[] {"master-key", "check"},
        new String[] {"serve"});
    for (String[] command : commands) {
      Run refused = cmd(command).userError(
          "the master key from key file " + keyFile.toAbsolutePath() + " (key id " + wrong.id() + ") is not the master key of ",
          "whose data is encrypted under master key " + right.id(),
          "restore the key file that holds master key " + right.id());
      assertThat(refused.err()).as(String.join(" ", command)).doesNotContain(wrong.toBase64()).doesNotContain(right.toBase64());
    }

    Files.writeString(keyFile, right.toBase64() + "\n", StandardCharsets.US_ASCII);
    assertThat(secrets(clients().get(0).id())).as("nothing was added with the wrong key").singleElement()
        .satisfies(s -> assertThat(s.id()).isEqualTo(secret));
    assertThat(cmd("master-key", "check").ok().out()).startsWith("Master key " + right.id() + " (from key file " + keyFile.toAbsolutePath() + ")");
  }

  @Test
  void aStaleKeyInTheEnvironmentMakesSecretAddFailLoudly() throws Exception {
    clientWithSecret();
    MasterKey stale = MasterKey.generate();

    Run refused = CliProcess.run(dir, Map.of("TOOLGATE_MASTER_KEY", stale.toBase64(), "SB_TOKEN", "the-sendbird-master-token"),
        "secret", "add", "--client", "sendbird-prod", "--from-env", "SB_TOKEN", "-c", config.toString());

    refused.userError("the master key from environment variable TOOLGATE_MASTER_KEY (key id " + stale.id() + ")",
        "set TOOLGATE_MASTER_KEY to master key " + MasterKey.fromFile(keyFile).id() + ", or unset it");
    assertThat(refused.err()).doesNotContain(stale.toBase64()).doesNotContain("the-sendbird-master-token");
    assertThat(secrets(clients().get(0).id())).hasSize(1);
  }

  @Test
  void aMissingKeyFileIsNeverReplacedOnceTheStoreHoldsData() throws Exception {
    clientWithSecret();
    String id = MasterKey.fromFile(keyFile).id();
    Files.delete(keyFile);

    for (String[] command : List.of(new String[] {"secret", "add", "--client", "sendbird-prod", "--generate"},
        new String[] {"client", "list"}, new String[] {"serve"})) {
      cmd(command).userError("master key file " + keyFile.toAbsolutePath() + " does not exist",
          "holds data encrypted under master key " + id, "none is created");
      assertThat(keyFile).as(String.join(" ", command)).doesNotExist();
    }
  }

  @Test
  void readyzIsNotReadyWhileACredentialInUseCannotBeDecrypted() throws Exception {
    String good = clientWithSecret();
    String broken = cmd("secret", "add", "--client", "sendbird-prod", "--generate").ok().find("Added signing secret (sec_\\w+)");
    // A ciphertext copied onto another row does not decrypt there (the row id is bound in).
    try (Database db = Database.open(loadedConfig().store()); Connection c = db.dataSource().getConnection();
        PreparedStatement copy = c.prepareStatement(
            "UPDATE signing_secrets SET ciphertext = (SELECT ciphertext FROM signing_secrets WHERE id = ?) WHERE id = ?")) {
      copy.setString(1, good);
      copy.setString(2, broken);
      assertThat(copy.executeUpdate()).isEqualTo(1);
    }

    try (Toolgate server = Toolgate.start(loadedConfig())) {
      HttpResponse<String> notReady = readyz(server);
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("\"status\":\"not_ready\"").contains("\"store\":\"up\"").contains("cannot be decrypted")
          .contains("1 stored credential(s) in use cannot be decrypted with the master key in use; see the server log");

      cmd("secret", "revoke", broken).ok();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (readyz(server).statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100); // the server polls the store every second
      }
      assertThat(readyz(server).body()).contains("\"status\":\"ready\"").contains("\"store\":\"up\"");
    }
  }

  @Test
  void aLostKeyIsReplacedOnlyByAnExplicitReset() throws Exception {
    String lost = clientWithSecret();
    Files.delete(keyFile);

    cmd("master-key", "reset").invalid("run it again with --confirm-lost-key");
    assertThat(keyFile).doesNotExist();
    Run reset = cmd("master-key", "reset", "--confirm-lost-key").ok();
    MasterKey replacement = MasterKey.fromFile(keyFile);
    assertThat(reset.out()).contains("Master key " + replacement.id() + " (from key file " + keyFile.toAbsolutePath() + ") is now the master key of ")
        .contains("Deleted signing secret " + lost + " (client sendbird-prod): add it again with `toolgate secret add`")
        .doesNotContain(replacement.toBase64());

    cmd("master-key", "reset", "--confirm-lost-key").conflict("already is the master key of", "nothing to reset");
    cmd("secret", "add", "--client", "sendbird-prod", "--generate").ok();
    cmd("master-key", "check").ok();
  }

  private HttpResponse<String> readyz(Toolgate server) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
