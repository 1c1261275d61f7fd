package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private final MasterKey key = MasterKey.generate();
  private final SecretBox box = new SecretBox(key);
  private final byte[] value = "master-api-token".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealsAndOpens() {
    SecretBox.Sealed sealed = box.seal("sec_1", value);

    assertThat(sealed.keyId()).isEqualTo(key.id());
    assertThat(Base64.getDecoder().decode(sealed.ciphertext())).hasSize(12 + value.length + 16);
    assertThat(box.open("sec_1", sealed)).isEqualTo(value);
  }

  @Test
  void everySealUsesAFreshNonce() {
    assertThat(box.seal("sec_1", value).ciphertext()).isNotEqualTo(box.seal("sec_1", value).ciphertext());
  }

  @Test
  void theRowIdIsBoundIn() {
    SecretBox.Sealed sealed = box.seal("sec_1", value);
    assertThatThrownBy(() -> box.open("sec_2", sealed))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("sec_2")
        .hasMessageContaining("copied from another row");
  }

  @Test
  void alteredCiphertextIsRejected() {
    byte[] raw = Base64.getDecoder().decode(box.seal("sec_1", value).ciphertext());
    raw[raw.length - 1] ^= 1;
    SecretBox.Sealed altered = new SecretBox.Sealed(key.id(), Base64.getEncoder().encodeToString(raw));
    assertThatThrownBy(() -> box.open("sec_1", altered)).isInstanceOf(MasterKeyException.class).hasMessageContaining("altered");
    assertThatThrownBy(() -> box.open("sec_1", new SecretBox.Sealed(key.id(), "AAAA")))
        .isInstanceOf(MasterKeyException.class).hasMessageContaining("corrupt");
  }

  @Test
  void anotherMasterKeyIsNamedInTheError() {
    SecretBox.Sealed sealed = box.seal("sec_x", value);
    MasterKey other = MasterKey.generate();

    assertThatThrownBy(() -> new SecretBox(other).open("sec_x", sealed))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageStartingWith("signing secret sec_x was encrypted with master key " + key.id() + "; the key in use is " + other.id())
        .hasMessageEndingWith("(set TOOLGATE_MASTER_KEY or restore the key file)")
        .hasMessageNotContaining(key.toBase64())
        .hasMessageNotContaining(other.toBase64());
  }
}
