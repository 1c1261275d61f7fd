package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Credentials written where they do not belong in a {@code redis:} section (the URL habit of
 * {@code user:password@host}): refused, and the error never repeats them, whatever form they are in.
 */
class RedisConfigSecretsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "redis:\n  sentinel: {master: m, nodes: [\"toolgate:hunter2@10.0.0.5:26379\"]}\n",
      "redis:\n  sentinel: {master: m, nodes: [\":hunter2@10.0.0.5:26379\"]}\n",
      "redis:\n  cluster: {nodes: [\"10.0.0.5:7000\", \"default:hunter2@10.0.0.6:7000\"]}\n",
      "redis:\n  cluster: {nodes: [\"hunter2@10.0.0.6:7000\"]}\n",
      "redis:\n  url: \"redis://hunter2@cache:6379\"\n",
  })
  void aPasswordInANodeIsRefusedWithoutBeingRepeated(String section) {
    ConfigException e = error(section + ONE_TOOL);
    assertThat(e.getMessage()).contains("password").doesNotContain("hunter2");
  }
}
