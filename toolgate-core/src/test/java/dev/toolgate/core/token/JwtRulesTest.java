package dev.toolgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtRulesTest {
  private static JwtRules withAlgorithms(Set<JWSAlgorithm> algorithms) {
    return new JwtRules("iss", Set.of(), algorithms, Set.of(), Duration.ZERO, 100, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "NONE", "None"})
  void noneCannotEvenBeConfigured(String alg) {
    assertThatThrownBy(() -> withAlgorithms(Set.of(JWSAlgorithm.RS256, new JWSAlgorithm(alg))))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("alg none (unsigned tokens) can never be accepted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512", "hs256"})
  void macAlgorithmsCannotBeConfigured(String alg) {
    assertThatThrownBy(() -> withAlgorithms(Set.of(new JWSAlgorithm(alg))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("MAC algorithms (" + alg + ") are not accepted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256K", "Ed25519", "Ed448", "RSA-OAEP", "rs256"})
  void unsupportedAlgorithmsCannotBeConfigured(String alg) {
    assertThatThrownBy(() -> withAlgorithms(Set.of(new JWSAlgorithm(alg))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unsupported algorithm " + alg);
  }

  @Test
  void otherChecks() {
    assertThatThrownBy(() -> withAlgorithms(Set.of())).hasMessage("at least one algorithm must be accepted");
    assertThatThrownBy(() -> new JwtRules(null, null, Set.of(JWSAlgorithm.RS256), null, Duration.ofSeconds(-1), 100, false))
        .hasMessage("clockSkew must not be negative");
    assertThatThrownBy(() -> new JwtRules(null, null, Set.of(JWSAlgorithm.RS256), null, Duration.ZERO, 0, false))
        .hasMessage("maxTokenChars must be positive");
  }

  @Test
  void theRulesCannotBeChangedAfterwards() {
    Set<JWSAlgorithm> algorithms = new HashSet<>(Set.of(JWSAlgorithm.RS256));
    JwtRules rules = withAlgorithms(algorithms);
    algorithms.add(JWSAlgorithm.HS256);
    assertThat(rules.algorithms()).containsExactly(JWSAlgorithm.RS256);
    assertThatThrownBy(() -> rules.algorithms().add(JWSAlgorithm.HS256)).isInstanceOf(UnsupportedOperationException.class);
  }
}
