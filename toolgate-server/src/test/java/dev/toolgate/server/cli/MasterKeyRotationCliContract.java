package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.store.MasterKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code toolgate master-key generate}, {@code check} and {@code rotate} as an operator runs them
 * during a rotation: the store is first used with its old key file, then with the new key file as
 * the master key and the old one as the previous key. Each backend in a subclass.
 */
abstract class MasterKeyRotationCliContract extends CliTestSupport {
  private String base;
  private Path oldKeyFile;
  private Path newKeyFile;

  /** The {@code store:} section's backend lines (indented two spaces), or "" for SQLite next to the file. */
  abstract String storeLines();

  @BeforeEach
  void useOldKey() throws Exception {
    base = CONFIG + "server: { host: 127.0.0.1, port: 0 }\nstore:\n" + storeLines();
    oldKeyFile = dir.resolve("old.key");
    newKeyFile = dir.resolve("new.key");
    writeConfig("  master_key_file: old.key\n");
  }

  private void writeConfig(String keyLines) throws Exception {
    Files.writeString(config, base + keyLines, StandardCharsets.UTF_8);
  }

  private void useBothKeys() throws Exception {
    writeConfig("  master_key_file: new.key\n  previous_master_key_file: old.key\n");
  }

  /** A client and a signing secret made under the old key (the key file is created on first use). */
  private String secretUnderTheOldKey() {
    createClient("sendbird-prod");
    Run added = cmd("secret", "add", "--client", "sendbird-prod", "--generate").ok();
    return added.find("Added signing secret (sec_\\w+)");
  }

  @Test
  void rotateWithBothKeysReSealsEverythingThenOnlyTheNewKeyOpensTheStore() throws Exception {
    String secret = secretUnderTheOldKey();
    cmd("keys", "rotate").ok();
    MasterKey oldKey = MasterKey.fromFile(oldKeyFile);

    Run generated = run("master-key", "generate", newKeyFile.toString()).ok();
    MasterKey newKey = MasterKey.fromFile(newKeyFile);
    assertThat(generated.out()).contains("Wrote master key " + newKey.id() + " to " + newKeyFile.toAbsolutePath()).doesNotContain(newKey.toBase64());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(newKeyFile))).isEqualTo("rw-------");
    run("master-key", "generate", newKeyFile.toString()).userError(newKeyFile.toAbsolutePath() + " exists already", "never overwritten");

    useBothKeys();
    assertThat(cmd("master-key", "check").ok().out()).contains("Master key rotation under way")
        .contains("under previous master key " + oldKey.id()).contains("sealed under master key " + newKey.id());
    cmd("secret", "list", "--client", "sendbird-prod").ok();

    Run rotated = cmd("master-key", "rotate").ok();
    assertThat(rotated.out())
        .contains("Re-sealed under master key " + newKey.id() + " (from key file " + newKeyFile.toAbsolutePath() + "), from previous master key " + oldKey.id())
        .contains("  signing secrets: 1\n")
        .contains("  signing keys: 1\n")
        .contains("  opaque id keys: 0\n")
        .contains("master key " + oldKey.id() + " alone no longer opens it")
        .contains("restart every instance without the previous key")
        .doesNotContain(newKey.toBase64()).doesNotContain(oldKey.toBase64());
    assertThat(cmd("master-key", "rotate").ok().out()).as("idempotent").contains("Nothing to re-seal").contains("is under master key " + newKey.id());
    assertThat(cmd("master-key", "check").ok().out()).contains("Master key " + newKey.id()).contains("Previous master key " + oldKey.id() + " (from key file "
        + oldKeyFile.toAbsolutePath() + ") is no longer needed");

    writeConfig("  master_key_file: old.key\n");
    cmd("master-key", "check").userError("the master key from key file " + oldKeyFile.toAbsolutePath() + " (key id " + oldKey.id() + ") is not the master key of",
        "whose data is encrypted under master key " + newKey.id());
    writeConfig("  master_key_file: new.key\n");
    assertThat(cmd("master-key", "check").ok().out()).startsWith("Master key " + newKey.id() + " (from key file " + newKeyFile.toAbsolutePath() + ") is the master key of");
    assertThat(cmd("secret", "list", "--client", "sendbird-prod").ok().out()).contains(secret);
  }

  @Test
  void rotateWithoutAPreviousKeyIsAUsageError() throws Exception {
    secretUnderTheOldKey();
    cmd("master-key", "rotate").usageError("master-key rotate needs the old key as the previous master key",
        "TOOLGATE_MASTER_KEY_PREVIOUS", "store.previous_master_key_file");
    assertThat(cmd("master-key", "check").ok().out()).as("nothing changed").contains("(from key file " + oldKeyFile.toAbsolutePath() + ")");
  }

  @Test
  void keysThatAreNeitherTheStoresNorThePreviousAreRefused() throws Exception {
    secretUnderTheOldKey();
    MasterKey oldKey = MasterKey.fromFile(oldKeyFile);
    MasterKey other = MasterKey.generate();
    MasterKey another = MasterKey.generate();
    Files.writeString(newKeyFile, other.toBase64() + "\n");
    Files.writeString(dir.resolve("wrong-previous.key"), another.toBase64() + "\n");
    writeConfig("  master_key_file: new.key\n  previous_master_key_file: wrong-previous.key\n");

    for (String[] command : new String[][] {{"master-key", "rotate"}, {"master-key", "check"}, {"secret", "list", "--client", "sendbird-prod"}}) {
      Run refused = cmd(command).userError("neither the master key from key file " + newKeyFile.toAbsolutePath() + " (key id " + other.id() + ")"
          + " nor the previous master key from key file " + dir.resolve("wrong-previous.key").toAbsolutePath() + " (key id " + another.id() + ")",
          "whose data is encrypted under master key " + oldKey.id());
      assertThat(refused.err()).doesNotContain(other.toBase64()).doesNotContain(another.toBase64()).doesNotContain(oldKey.toBase64());
    }
    writeConfig("  master_key_file: new.key\n  previous_master_key_file: missing.key\n");
    cmd("master-key", "rotate").userError("previous master key file " + dir.resolve("missing.key").toAbsolutePath() + " (store.previous_master_key_file) does not exist");
    writeConfig("  master_key_file: old.key\n  previous_master_key_file: old.key\n");
    cmd("master-key", "rotate").userError("is the current master key (key id " + oldKey.id());
  }

  @Test
  void theKeysCanComeFromTheEnvironment() throws Exception {
    secretUnderTheOldKey();
    MasterKey oldKey = MasterKey.fromFile(oldKeyFile);
    MasterKey newKey = MasterKey.generate();

    Run rotated = CliProcess.run(dir, Map.of("TOOLGATE_MASTER_KEY", newKey.toBase64(), "TOOLGATE_MASTER_KEY_PREVIOUS", oldKey.toBase64()),
        "master-key", "rotate", "-c", config.toString());

    assertThat(rotated.exit()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("Re-sealed under master key " + newKey.id() + " (from environment variable TOOLGATE_MASTER_KEY)")
        .contains("  signing secrets: 1\n").doesNotContain(newKey.toBase64()).doesNotContain(oldKey.toBase64());
    assertThat(rotated.err()).doesNotContain(newKey.toBase64()).doesNotContain(oldKey.toBase64());
    cmd("master-key", "check").userError("is not the master key of", "encrypted under master key " + newKey.id());
  }

  @Test
  void theHelpSaysWhatRotateDoesAndWhen() {
    Run help = run("master-key", "rotate", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("NEW key as the master key").contains("OLD key as the previous one").contains("TOOLGATE_MASTER_KEY_PREVIOUS")
        .contains("store.previous_master_key_file").contains("every instance was restarted with both keys").contains("run it again to finish")
        .contains("restart every instance without the previous key").contains("\"Rotating the master key\"");
    assertThat(help.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    assertThat(run("master-key", "--help").out()).contains("generate").contains("rotate").contains("check").contains("reset");
  }
}
