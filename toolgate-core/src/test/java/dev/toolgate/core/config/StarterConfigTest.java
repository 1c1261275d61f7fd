package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StarterConfigTest {

  @Test
  void starterLoadsAndShowsTheDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(StarterConfig.DEFAULT_FILE_NAME);
    Files.writeString(file, StarterConfig.text());

    GatewayConfig config = ConfigLoader.load(file);

    assertThat(config.server()).isEqualTo(ServerSettings.defaults());
    assertThat(config.audit()).isEqualTo(AuditSettings.defaults());
    StoreSettings d = StoreSettings.defaults();
    assertThat(config.store()).isEqualTo(new StoreSettings(d.kind(), dir.resolve(d.path()).toString(), null, null, null,
        dir.resolve(d.masterKeyFile()).toString()));
    assertThat(config.platforms()).containsOnlyKeys("sendbird");
    assertThat(config.platforms().get("sendbird")).isEqualTo(PlatformConfig.withDefaults("sendbird"));
  }

  @Test
  void starterHasTheThreeExampleTools() {
    List<ToolConfig> tools = ConfigLoader.parse(StarterConfig.text(), Path.of("toolgate.yaml")).tools();
    assertThat(tools).hasSize(3);
    assertThat(tools.get(0).platform()).isEqualTo("sendbird");
    assertThat(tools.get(0).policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(tools.get(1).policy().require()).containsExactlyInAnyOrder(CredentialKind.API_KEY, CredentialKind.STATIC_TOKEN);
    assertThat(tools.get(2).policy().anonymous()).isTrue();
    assertThat(tools.get(2).policy().require()).isEmpty();
  }

  @Test
  void starterMentionsEveryKey() {
    String text = StarterConfig.text();
    Stream.of(ConfigReader.ROOT_KEYS, ConfigReader.SERVER_KEYS, ConfigReader.STORE_KEYS, ConfigReader.AUDIT_KEYS,
            ConfigReader.PLATFORM_KEYS, ConfigReader.TOOL_KEYS, ConfigReader.POLICY_KEYS)
        .flatMap(List::stream)
        .forEach(key -> assertThat(text).as(key).containsPattern("(?m)^[ #]*(- )?" + key + ":"));
  }
}
