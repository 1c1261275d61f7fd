package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link GatewayConfig#withListenPort}: {@code serve --port}, several instances sharing one file. */
class ListenPortTest {

  @Test
  void onlyTheListeningPortChangesTheIssuerStaysTheFiles() {
    GatewayConfig file = parse("server: {port: 8080}\nredis: {url: \"redis://cache\"}\n" + ONE_TOOL);
    GatewayConfig moved = file.withListenPort(9001);
    assertThat(moved.server()).isEqualTo(file.server().withPort(9001));
    assertThat(moved.authorizationServer()).isEqualTo(file.authorizationServer());
    assertThat(moved.authorizationServer().issuer().toString()).isEqualTo("http://127.0.0.1:8080");
    assertThat(moved.redis()).isEqualTo(file.redis());
    assertThat(moved.tools()).isEqualTo(file.tools());
    assertThat(file.withListenPort(0).server().port()).isZero();
    assertThat(file.withListenPort(0).authorizationServer()).isEqualTo(file.authorizationServer());
  }

  @Test
  void aFileWithPortZeroTakesThePortLikeABoundServer() {
    GatewayConfig file = parse("server: {port: 0}\n" + ONE_TOOL);
    GatewayConfig moved = file.withListenPort(9001);
    assertThat(moved.server().port()).isEqualTo(9001);
    assertThat(moved.authorizationServer().issuer().toString()).isEqualTo("http://127.0.0.1:9001");
    assertThat(moved).isEqualTo(file.withBoundPort(9001));
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    GatewayConfig file = parse(ONE_TOOL);
    assertThatThrownBy(() -> file.withListenPort(65536)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> file.withListenPort(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
