package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
  @TempDir Path directory;

  private StoreSettings settings(Path keyFile) {
    return new StoreSettings(StoreSettings.Kind.SQLITE, "x.db", null, null, null, keyFile == null ? null : keyFile.toString());
  }

  @Test
  void createsAPrivateKeyFileOnceAndReadsItBack() throws Exception {
    Path file = directory.resolve("toolgate.key");

    MasterKey created = MasterKey.load(settings(file), Map.<String, String>of()::get);
    MasterKey again = MasterKey.load(settings(file), Map.<String, String>of()::get);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
    assertThat(again.id()).isEqualTo(created.id()).hasSize(16).matches("[0-9a-f]{16}");
    assertThat(created.source()).contains(file.toString());
    try (var leftovers = Files.list(directory)) {
      assertThat(leftovers).containsExactly(file);
    }
  }

  @Test
  void theEnvironmentVariableWins() {
    MasterKey generated = MasterKey.generate();
    Path file = directory.resolve("never-created.key");

    MasterKey loaded = MasterKey.load(settings(file), Map.of(MasterKey.ENV_VAR, generated.toBase64())::get);

    assertThat(loaded.id()).isEqualTo(generated.id());
    assertThat(loaded.source()).contains(MasterKey.ENV_VAR);
    assertThat(file).doesNotExist();
  }

  @Test
  void malformedKeysAreClearErrorsThatDoNotQuoteTheKey() throws Exception {
    Path file = directory.resolve("bad.key");
    Files.writeString(file, "not base64 at all!!");
    assertThatThrownBy(() -> MasterKey.fromFile(file))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("malformed master key")
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("not base64 at all");

    String shortKey = Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> MasterKey.load(settings(null), Map.of(MasterKey.ENV_VAR, shortKey)::get))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("environment variable TOOLGATE_MASTER_KEY")
        .hasMessageContaining("16 bytes, expected 32")
        .hasMessageNotContaining(shortKey);
  }

  @Test
  void noKeyConfiguredIsAClearError() {
    assertThatThrownBy(() -> MasterKey.load(settings(null), Map.<String, String>of()::get))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("set TOOLGATE_MASTER_KEY or store.master_key_file");
  }

  @Test
  void aMissingDirectoryIsAClearError() {
    Path file = directory.resolve("missing/toolgate.key");
    assertThatThrownBy(() -> MasterKey.fromFile(file))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void toStringShowsOnlyTheId() {
    MasterKey key = MasterKey.generate();
    assertThat(key.toString()).contains(key.id()).doesNotContain(key.toBase64());
  }
}
