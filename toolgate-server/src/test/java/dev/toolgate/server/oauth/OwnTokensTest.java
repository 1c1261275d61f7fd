package dev.toolgate.server.oauth;

import dev.toolgate.server.users.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import dev.toolgate.core.token.AccessTokens;
import dev.toolgate.core.token.JwtFailure;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import dev.toolgate.core.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Remembered verifications of Toolgate's own tokens end exactly when a fresh verification would fail. */
class OwnTokensTest {
  static final String ISSUER = "https://toolgate.example";
  static final Instant START = Instant.parse("2026-11-21T12:00:00Z");
  static final SigningKey KEY = SigningKeys.generate(SigningAlgorithm.ES256, START.minusSeconds(60));
  static final SigningKey OTHER = SigningKeys.generate(SigningAlgorithm.ES256, START.minusSeconds(60));

  final MutableClock clock = new MutableClock(START);
  final AtomicReference<KeyRing> ring = new AtomicReference<>(new KeyRing(KEY, List.of()));
  final OwnTokens tokens = new OwnTokens(ring::get, ISSUER, clock);

  String accessToken(SigningKey signer, Duration ttl) {
    KeyRing signing = new KeyRing(signer, List.of());
    return new JwtIssuer(() -> signing).sign(AccessTokens.accessToken(ISSUER, "cl_a", "cl_a", List.of(ISSUER), List.of("orders.read"),
        clock.instant(), ttl, Map.of()), AccessTokenService.AT_JWT);
  }

  @Test
  void aValidTokenIsVerifiedOnceAndRememberedUntilItExpires() {
    String token = accessToken(KEY, Duration.ofMinutes(5));
    JwtResult first = tokens.verify(token);
    assertThat(first).isInstanceOf(JwtResult.Valid.class);
    assertThat(tokens.verify(token)).as("the remembered result, not a second verification").isSameAs(first);

    clock.advance(Duration.ofMinutes(5));
    assertThat(tokens.verify(token)).as("at exp it is still valid (no skew, as the verifier)").isSameAs(first);
    clock.advance(Duration.ofMillis(1));
    assertThat(tokens.verify(token)).isInstanceOfSatisfying(JwtResult.Invalid.class, i -> assertThat(i.failure()).isEqualTo(JwtFailure.EXPIRED));
  }

  @Test
  void aRememberedTokenFailsOnceItsKeyIsNoLongerPublished() {
    String token = accessToken(KEY, Duration.ofMinutes(5));
    assertThat(tokens.verify(token)).isInstanceOf(JwtResult.Valid.class);
    ring.set(new KeyRing(OTHER, List.of()));
    assertThat(tokens.verify(token)).isInstanceOfSatisfying(JwtResult.Invalid.class, i -> assertThat(i.failure()).isEqualTo(JwtFailure.UNKNOWN_KEY));
    ring.set(new KeyRing(OTHER, List.of(KEY)));
    assertThat(tokens.verify(token)).as("published again (a new ring object): verified again").isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void aTokenRefusedOnceIsVerifiedAgainNextTime() {
    String token = accessToken(OTHER, Duration.ofMinutes(5));
    assertThat(tokens.verify(token)).isInstanceOf(JwtResult.Invalid.class);
    ring.set(new KeyRing(KEY, List.of(OTHER)));
    assertThat(tokens.verify(token)).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void aForgedTokenDoesNotProfitFromTheRememberedOne() {
    String token = accessToken(KEY, Duration.ofMinutes(5));
    assertThat(tokens.verify(token)).isInstanceOf(JwtResult.Valid.class);
    String[] parts = token.split("\\.");
    String otherPayload = accessToken(KEY, Duration.ofHours(5)).split("\\.")[1];
    assertThat(tokens.verify(parts[0] + "." + otherPayload + "." + parts[2]))
        .isInstanceOfSatisfying(JwtResult.Invalid.class, i -> assertThat(i.failure()).isEqualTo(JwtFailure.BAD_SIGNATURE));
    assertThat(tokens.verify(null)).isInstanceOf(JwtResult.Invalid.class);
  }

  @Test
  void customerJwtsAreOwnTokensToo() {
    KeyRing signing = new KeyRing(KEY, List.of());
    String jwt = new JwtIssuer(() -> signing).sign(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(ISSUER).subject("usr_1")
        .jwtID("j1").expirationTime(java.util.Date.from(START.plusSeconds(60))).build(), JOSEObjectType.JWT);
    JwtResult first = tokens.verify(jwt);
    assertThat(first).isInstanceOf(JwtResult.Valid.class);
    assertThat(tokens.verify(jwt)).isSameAs(first);
  }
}
