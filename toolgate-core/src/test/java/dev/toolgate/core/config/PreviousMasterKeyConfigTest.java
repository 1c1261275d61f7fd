package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.SOURCE;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** store.previous_master_key_file: the key a master key rotation moves away from. */
class PreviousMasterKeyConfigTest {
  @Test
  void noneByDefault() {
    assertThat(parse(ONE_TOOL).store().previousMasterKeyFile()).isNull();
    assertThat(parse("store:\n  kind: sqlite\n" + ONE_TOOL).store().previousMasterKeyFile()).isNull();
  }

  @Test
  void aRelativePathIsResolvedAgainstTheFileAndAnAbsoluteOneKept() {
    StoreSettings store = parse("store:\n  master_key_file: keys/new.key\n  previous_master_key_file: keys/old.key\n" + ONE_TOOL).store();
    assertThat(store.previousMasterKeyFile()).isEqualTo(SOURCE.toAbsolutePath().getParent().resolve("keys/old.key").toString());
    assertThat(store.masterKeyFile()).isEqualTo(SOURCE.toAbsolutePath().getParent().resolve("keys/new.key").toString());
    assertThat(parse("store:\n  previous_master_key_file: /etc/toolgate/old.key\n" + ONE_TOOL).store().previousMasterKeyFile())
        .isEqualTo("/etc/toolgate/old.key");
  }

  @Test
  void appliesToPostgresqlToo() {
    StoreSettings store = parse("""
        store:
          kind: postgresql
          url: jdbc:postgresql://127.0.0.1/toolgate
          previous_master_key_file: /etc/toolgate/old.key
        """ + ONE_TOOL).store();
    assertThat(store.previousMasterKeyFile()).isEqualTo("/etc/toolgate/old.key");
  }

  @Test
  void aKeyPastedInsteadOfAPathIsRefusedUnrepeated() {
    String key = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'z');
    ConfigException e = error("store:\n  previous_master_key_file: \"" + key + "\"\n" + ONE_TOOL);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("store.previous_master_key_file");
    assertThat(e.getMessage()).contains("must be the path of the key file, not the key itself")
        .contains("TOOLGATE_MASTER_KEY_PREVIOUS").doesNotContain(key);
  }

  @Test
  void aLiteralKeyAndAnEmptyPathAreRefused() {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    assertError("store:\n  previous_master_key: \"" + key + "\"\n" + ONE_TOOL, 2, "store.previous_master_key", "secrets never go in this file");
    assertThat(error("store:\n  previous_master_key: \"" + key + "\"\n" + ONE_TOOL).getMessage()).doesNotContain(key);
    assertError("store:\n  previous_master_key_file: \"\"\n" + ONE_TOOL, 2, "store.previous_master_key_file", "");
  }
}
