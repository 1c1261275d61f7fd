package dev.toolgate.core.token;

import static dev.toolgate.core.token.TokenTesting.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
  private static JWTClaimsSet token(List<String> audience, List<String> scopes, Map<String, Object> extra) {
    return AccessTokens.accessToken("https://toolgate.example", "cli_1", "cli_1", audience, scopes,
        NOW.plusMillis(700), Duration.ofMinutes(15), extra);
  }

  @Test
  void hasTheRfc9068Claims() {
    JWTClaimsSet claims = token(List.of("https://api.example", "https://b.example"), List.of("orders:read", "orders:refund"),
        Map.of("customer_ref", "opaque-7"));
    assertThat(claims.getIssuer()).isEqualTo("https://toolgate.example");
    assertThat(claims.getSubject()).isEqualTo("cli_1");
    assertThat(claims.getAudience()).containsExactly("https://api.example", "https://b.example");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW); // whole seconds
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
    assertThat(claims.getNotBeforeTime()).isNull();
    assertThat(claims.getJWTID()).matches("[A-Za-z0-9_-]{22}");
    assertThat(claims.getClaim("client_id")).isEqualTo("cli_1");
    assertThat(claims.getClaim("scope")).isEqualTo("orders:read orders:refund");
    assertThat(claims.getClaim("customer_ref")).isEqualTo("opaque-7");
    assertThat(AccessTokens.TYPE.getType()).isEqualTo("at+jwt");
  }

  @Test
  void aSingleAudienceIsSerialisedAsAString() {
    // Nimbus writes a one-element aud as a plain string; RFC 7519 §4.1.3 allows both forms.
    assertThat(token(List.of("https://api.example"), List.of("a"), Map.of()).toJSONObject()).containsEntry("aud", "https://api.example");
  }

  @Test
  void duplicateScopesAreDroppedAndNoScopeMeansNoClaim() {
    assertThat(token(List.of("x"), List.of("b", "a", "b"), Map.of()).getClaim("scope")).isEqualTo("b a");
    assertThat(token(List.of("x"), List.of(), null).getClaims()).doesNotContainKey("scope");
  }

  @Test
  void jtisAreUnique() {
    Set<String> jtis = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      jtis.add(AccessTokens.newJti());
    }
    assertThat(jtis).hasSize(1000);
  }

  @Test
  void refusesWhatWouldMakeABadToken() {
    assertThatThrownBy(() -> token(List.of(), List.of("a"), Map.of())).hasMessage("an access token needs an audience");
    assertThatThrownBy(() -> token(List.of("x"), List.of("has space"), Map.of())).hasMessage("scope has space has a character RFC 6749 does not allow");
    assertThatThrownBy(() -> token(List.of("x"), List.of("quo\"te"), Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> token(List.of("x"), List.of(""), Map.of())).hasMessage("a scope must not be empty");
    for (String registered : AccessTokens.REGISTERED) {
      assertThatThrownBy(() -> token(List.of("x"), List.of("a"), Map.of(registered, "evil")))
          .hasMessage("extra claim " + registered + " would override a registered claim");
    }
    assertThatThrownBy(() -> AccessTokens.accessToken("iss", "sub", "cli", List.of("x"), List.of(), NOW, Duration.ZERO, Map.of()))
        .hasMessage("ttl must be positive");
    assertThatThrownBy(() -> AccessTokens.accessToken(" ", "sub", "cli", List.of("x"), List.of(), NOW, Duration.ofMinutes(1), Map.of()))
        .hasMessage("issuer must not be blank");
  }
}
