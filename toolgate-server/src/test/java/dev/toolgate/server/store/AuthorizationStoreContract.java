package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.secret.SecretDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Authorization codes, refresh-token families and consents, one request at a time; every backend. */
abstract class AuthorizationStoreContract extends AuthorizationStoreTestBase {

  // ---- codes ----

  @Test
  void aCodeIsStoredByItsDigestOnly() {
    String value = authorizations.issueCode(newCode(Set.of("tools:read", "tools:call")));

    assertThat(value).startsWith("tgo_").hasSizeGreaterThan(40);
    AuthorizationStore.Code code = authorizations.code(value).orElseThrow();
    assertThat(code).isEqualTo(new AuthorizationStore.Code(SecretDigest.of(value), CLIENT, USER, REDIRECT, CHALLENGE, RESOURCE,
        Set.of("tools:read", "tools:call"), START, START.plus(CODE_TTL), null, null));
    assertThat(cells(database, "authorization_codes")).contains(SecretDigest.of(value))
        .noneMatch(cell -> cell != null && cell.contains(value.substring(4)));
    assertThat(authorizations.code("tgo_unknown")).isEmpty();
    assertThat(authorizations.issueCode(newCode(Set.of()))).isNotEqualTo(value);
  }

  @Test
  void aCodeExchangesOnceAndItsReplayRevokesWhatItIssued() {
    AuthorizationStore.Code code = checkedCode();
    clock.advance(Duration.ofSeconds(2));
    AuthorizationStore.Issued issued = issued(authorizations.exchange(code, access("jti-1"), REFRESH_TTL));
    Instant exchangedAt = clock.instant();

    assertThat(issued.refreshToken()).startsWith(AuthorizationStore.REFRESH_TOKEN_PREFIX).startsWith("tgr_");
    assertThat(authorizations.code(code.digest())).as("looked up by value, not by digest").isEmpty();
    AuthorizationStore.Refresh first = refresh(issued.refreshToken());
    assertThat(first.familyId()).isEqualTo(issued.familyId());
    assertThat(first.generation()).isEqualTo(1);
    assertThat(first.familyGeneration()).as("no token of the family used yet").isZero();
    assertThat(first.usedAt()).isNull();
    assertThat(first.revokedAt()).isNull();
    assertThat(first.clientId()).isEqualTo(CLIENT);
    assertThat(first.userId()).isEqualTo(USER);
    assertThat(first.resource()).isEqualTo(RESOURCE);
    assertThat(first.scopes()).containsExactlyInAnyOrder("tools:read", "tools:call");
    assertThat(first.familyScopes()).containsExactlyInAnyOrder("tools:read", "tools:call");
    assertThat(first.familyExpiresAt()).isEqualTo(exchangedAt.plus(REFRESH_TTL));
    assertThat(cells(database, "refresh_tokens")).contains(SecretDigest.of(issued.refreshToken()))
        .noneMatch(cell -> cell != null && cell.contains(issued.refreshToken().substring(4)));

    // The same checked code again (a second request that passed the checks meanwhile): the family goes.
    long before = credentials.revision();
    clock.advance(Duration.ofSeconds(1));
    AuthorizationStore.Revoked replay = revoked(authorizations.exchange(code, access("jti-2"), REFRESH_TTL));
    assertThat(replay.familyId()).isEqualTo(issued.familyId());
    assertThat(replay.accessTokens()).containsExactly(new AuthorizationStore.AccessToken("jti-1", exchangedAt.plus(ACCESS_TTL)));
    assertThat(revokedJtis()).containsExactly("jti-1");
    assertThat(credentials.revision()).isGreaterThan(before);
    assertThat(refresh(issued.refreshToken()).revokedAt()).isEqualTo(clock.instant());
    assertThat(authorizations.rotate(refresh(issued.refreshToken()), Set.of("tools:read"), access("jti-3"), GRACE))
        .isInstanceOf(AuthorizationStore.Refused.class);

    // Later replays find the family revoked already: nothing more to revoke, no revision move.
    long after = credentials.revision();
    assertThat(jtis(revoked(authorizations.exchange(code, access("jti-4"), REFRESH_TTL)))).isEmpty();
    assertThat(jtis(revoked(authorizations.replayed(code)))).isEmpty();
    assertThat(credentials.revision()).isEqualTo(after);
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_families")).isEqualTo(1);
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_tokens")).isEqualTo(1);
  }

  @Test
  void aBurntCodeIssuesNothing() {
    String value = authorizations.issueCode(newCode(Set.of("tools:read")));
    AuthorizationStore.Code code = authorizations.code(value).orElseThrow();

    authorizations.burn(code);
    AuthorizationStore.Code burnt = authorizations.code(value).orElseThrow();
    assertThat(burnt.usedAt()).isEqualTo(START);
    assertThat(burnt.familyId()).isNull();
    clock.advance(Duration.ofSeconds(1));
    authorizations.burn(code);
    assertThat(authorizations.code(value).orElseThrow().usedAt()).as("the first use is kept").isEqualTo(START);

    long before = credentials.revision();
    assertThat(authorizations.exchange(code, access("jti-1"), REFRESH_TTL)).isInstanceOf(AuthorizationStore.Refused.class);
    assertThat(authorizations.replayed(burnt)).isInstanceOf(AuthorizationStore.Refused.class);
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_families")).isZero();
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_tokens")).isZero();
    assertThat(revokedJtis()).isEmpty();
    assertThat(credentials.revision()).isEqualTo(before);
  }

  // ---- refresh tokens ----

  @Test
  void aFirstRotationIssuesTheNextGeneration() {
    AuthorizationStore.Issued grant = grant("jti-1");
    clock.advance(Duration.ofMinutes(3));

    AuthorizationStore.Issued next = issued(rotate(grant.refreshToken(), "jti-2"));

    assertThat(next.familyId()).isEqualTo(grant.familyId());
    assertThat(next.refreshToken()).startsWith("tgr_").isNotEqualTo(grant.refreshToken());
    AuthorizationStore.Refresh second = refresh(next.refreshToken());
    assertThat(second.generation()).isEqualTo(2);
    assertThat(second.scopes()).as("narrowed").containsExactly("tools:read");
    assertThat(second.familyScopes()).containsExactlyInAnyOrder("tools:read", "tools:call");
    assertThat(second.familyGeneration()).isEqualTo(1);
    assertThat(second.generationUsedAt()).isEqualTo(clock.instant());
    assertThat(second.familyExpiresAt()).as("rotation does not extend the family").isEqualTo(START.plus(REFRESH_TTL));
    assertThat(refresh(grant.refreshToken()).usedAt()).isEqualTo(clock.instant());
    assertThat(cells(database, "refresh_tokens")).noneMatch(cell -> cell != null && cell.contains(next.refreshToken().substring(4)));
  }

  @Test
  void theSameTokenWithinTheGraceIsAConcurrentRefreshAndAfterItReuse() {
    AuthorizationStore.Issued grant = grant("jti-1");
    AuthorizationStore.Issued a = issued(rotate(grant.refreshToken(), "jti-2a"));

    clock.advance(GRACE);
    AuthorizationStore.Issued b = issued(rotate(grant.refreshToken(), "jti-2b"));
    assertThat(b.refreshToken()).isNotEqualTo(a.refreshToken());
    assertThat(refresh(b.refreshToken()).generation()).as("a sibling").isEqualTo(2);
    assertThat(refresh(b.refreshToken()).generationUsedAt()).as("the grace runs from the first use").isEqualTo(START);

    clock.advance(Duration.ofMillis(1));
    long before = credentials.revision();
    AuthorizationStore.Revoked reuse = revoked(rotate(grant.refreshToken(), "jti-2c"));
    assertThat(reuse.familyId()).isEqualTo(grant.familyId());
    assertThat(jtis(reuse)).containsExactlyInAnyOrder("jti-1", "jti-2a", "jti-2b");
    assertThat(revokedJtis()).containsExactlyInAnyOrder("jti-1", "jti-2a", "jti-2b");
    assertThat(credentials.revision()).isGreaterThan(before);
    assertThat(rotate(a.refreshToken(), "jti-3")).isInstanceOf(AuthorizationStore.Refused.class);
    assertThat(rotate(b.refreshToken(), "jti-3")).isInstanceOf(AuthorizationStore.Refused.class);
  }

  @Test
  void aSiblingOfTheNewestGenerationWithinTheGraceRotates() {
    AuthorizationStore.Issued grant = grant("jti-1");
    AuthorizationStore.Issued a = issued(rotate(grant.refreshToken(), "jti-2a"));
    AuthorizationStore.Issued b = issued(rotate(grant.refreshToken(), "jti-2b"));
    clock.advance(Duration.ofMinutes(5));
    AuthorizationStore.Issued third = issued(rotate(a.refreshToken(), "jti-3a"));

    clock.advance(GRACE);
    AuthorizationStore.Issued sibling = issued(rotate(b.refreshToken(), "jti-3b"));

    assertThat(refresh(third.refreshToken()).generation()).isEqualTo(3);
    assertThat(refresh(sibling.refreshToken()).generation()).isEqualTo(3);
    assertThat(refresh(sibling.refreshToken()).revokedAt()).isNull();
    assertThat(revokedJtis()).isEmpty();
  }

  @Test
  void aTokenTwoGenerationsOldRevokesTheFamilyEvenWithinTheGrace() {
    AuthorizationStore.Issued g1 = grant("jti-1");
    AuthorizationStore.Issued g2 = issued(rotate(g1.refreshToken(), "jti-2"));
    AuthorizationStore.Issued g3 = issued(rotate(g2.refreshToken(), "jti-3"));
    AuthorizationStore.Issued g4 = issued(rotate(g3.refreshToken(), "jti-4"));

    AuthorizationStore.Revoked reuse = revoked(rotate(g1.refreshToken(), "jti-5"));

    assertThat(jtis(reuse)).containsExactlyInAnyOrder("jti-1", "jti-2", "jti-3", "jti-4");
    assertThat(revokedJtis()).containsExactlyInAnyOrder("jti-1", "jti-2", "jti-3", "jti-4");
    assertThat(refresh(g4.refreshToken()).revokedAt()).isEqualTo(START);
    assertThat(rotate(g4.refreshToken(), "jti-6")).isInstanceOf(AuthorizationStore.Refused.class);
  }

  @Test
  void aRevokedOrExpiredFamilyIsRefusedAndNothingChanges() {
    AuthorizationStore.Issued revokedGrant = grant("jti-1");
    AuthorizationStore.Refresh checked = refresh(revokedGrant.refreshToken());
    revoked(authorizations.revokeRefreshToken(revokedGrant.refreshToken(), CLIENT).orElseThrow());
    // Checked before the revocation, committed after it: decided again under the lock.
    assertThat(authorizations.rotate(checked, Set.of("tools:read"), access("jti-2"), GRACE))
        .isEqualTo(new AuthorizationStore.Refused("the refresh token was revoked"));

    AuthorizationStore.Issued shortGrant = issued(authorizations.exchange(checkedCode(), access("jti-3"), Duration.ofHours(1)));
    AuthorizationStore.Refresh fresh = refresh(shortGrant.refreshToken());
    clock.advance(Duration.ofHours(1));
    long before = credentials.revision();
    assertThat(authorizations.rotate(fresh, Set.of("tools:read"), access("jti-4"), GRACE))
        .isEqualTo(new AuthorizationStore.Refused("the refresh token has expired"));
    assertThat(refresh(shortGrant.refreshToken()).revokedAt()).isNull();
    assertThat(refresh(shortGrant.refreshToken()).usedAt()).isNull();
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_tokens")).as("no token issued").isEqualTo(2);
    assertThat(credentials.revision()).isEqualTo(before);
  }

  @Test
  void theOwnerRevokesAFamilyWithItsLiveAccessTokensAndNobodyElseCan() {
    Instant shortLived = START.plus(Duration.ofMinutes(5));
    AuthorizationStore.Issued grant = issued(authorizations.exchange(checkedCode(), new AuthorizationStore.AccessToken("jti-1", shortLived),
        REFRESH_TTL));
    clock.advance(Duration.ofMinutes(10));
    AuthorizationStore.Issued next = issued(rotate(grant.refreshToken(), "jti-2"));
    long before = credentials.revision();

    assertThat(authorizations.revokeRefreshToken(next.refreshToken(), "cl_someoneelse")).isEmpty();
    assertThat(authorizations.revokeRefreshToken("tgr_unknown", CLIENT)).isEmpty();
    assertThat(refresh(next.refreshToken()).revokedAt()).isNull();
    assertThat(credentials.revision()).isEqualTo(before);

    // Any token of the family revokes all of it; the expired access token is left out.
    AuthorizationStore.Revoked revoked = authorizations.revokeRefreshToken(grant.refreshToken(), CLIENT).orElseThrow();
    assertThat(revoked.familyId()).isEqualTo(grant.familyId());
    assertThat(revoked.accessTokens()).containsExactly(access("jti-2"));
    assertThat(revokedJtis()).containsExactly("jti-2");
    assertThat(credentials.revision()).isGreaterThan(before);
    assertThat(refresh(next.refreshToken()).revokedAt()).isEqualTo(clock.instant());
    assertThat(authorizations.revokeRefreshToken(next.refreshToken(), CLIENT)).hasValueSatisfying(again -> assertThat(jtis(again)).isEmpty());
  }

  // ---- consents ----

  @Test
  void aRememberedConsentCoversItsScopesAndResourcesOnly() {
    String other = "https://other.example.com/mcp";
    assertThat(authorizations.consented(USER, CLIENT, Set.of("a"), RESOURCE)).isFalse();

    authorizations.rememberConsent(USER, CLIENT, Set.of("a", "b"), RESOURCE);

    assertThat(authorizations.consented(USER, CLIENT, Set.of("a"), RESOURCE)).isTrue();
    assertThat(authorizations.consented(USER, CLIENT, Set.of("a", "b"), RESOURCE)).isTrue();
    assertThat(authorizations.consented(USER, CLIENT, Set.of(), RESOURCE)).isTrue();
    assertThat(authorizations.consented(USER, CLIENT, Set.of("a", "b", "c"), RESOURCE)).as("a superset").isFalse();
    assertThat(authorizations.consented(USER, CLIENT, Set.of("a"), other)).as("another resource").isFalse();
    assertThat(authorizations.consented("us_bob", CLIENT, Set.of("a"), RESOURCE)).isFalse();
    assertThat(authorizations.consented(USER, "cl_other", Set.of("a"), RESOURCE)).isFalse();

    // A later consent adds to the earlier one.
    authorizations.rememberConsent(USER, CLIENT, Set.of("c"), other);
    assertThat(authorizations.consented(USER, CLIENT, Set.of("a", "b", "c"), RESOURCE)).isTrue();
    assertThat(authorizations.consented(USER, CLIENT, Set.of("a", "b", "c"), other)).isTrue();
    authorizations.rememberConsent(USER, CLIENT, Set.of("a"), RESOURCE);
    assertThat(authorizations.consented(USER, CLIENT, Set.of("a", "b", "c"), other)).as("nothing taken away").isTrue();
    assertThat(count(database, "SELECT COUNT(*) FROM consents")).isEqualTo(1);
  }

  // ---- purge ----

  @Test
  void purgeRemovesExpiredCodesAndFamiliesAndKeepsLiveOnes() {
    String longCode = authorizations.issueCode(new AuthorizationStore.NewCode(CLIENT, USER, REDIRECT, CHALLENGE, RESOURCE, Set.of("a"),
        START.plus(Duration.ofHours(1))));
    String shortCode = authorizations.issueCode(newCode(Set.of("a")));
    AuthorizationStore.Issued shortFamily = issued(authorizations.exchange(checkedCode(), access("jti-1"), Duration.ofMinutes(10)));
    AuthorizationStore.Issued shortNext = issued(rotate(shortFamily.refreshToken(), "jti-2"));
    AuthorizationStore.Issued longFamily = grant("jti-3");
    AuthorizationStore.Issued longNext = issued(rotate(longFamily.refreshToken(), "jti-4"));

    // Expired, but within the clock-skew margin: kept.
    clock.advance(CODE_TTL.plus(OAuthClientStore.REVOCATION_SKEW_MARGIN));
    authorizations.purgeExpired();
    assertThat(authorizations.code(shortCode)).isPresent();
    clock.advance(Duration.ofMillis(1));
    authorizations.purgeExpired();
    assertThat(authorizations.code(shortCode)).isEmpty();
    clock.advance(Duration.ofMinutes(10).minus(CODE_TTL).minus(Duration.ofMillis(1)));
    authorizations.purgeExpired();
    assertThat(authorizations.refresh(shortNext.refreshToken())).isPresent();

    clock.advance(Duration.ofMillis(1));
    authorizations.purgeExpired();

    assertThat(authorizations.code(shortCode)).isEmpty();
    assertThat(authorizations.code(longCode)).isPresent();
    assertThat(authorizations.refresh(shortFamily.refreshToken())).isEmpty();
    assertThat(authorizations.refresh(shortNext.refreshToken())).isEmpty();
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = '" + shortFamily.familyId() + "'")).isZero();
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_families WHERE id = '" + shortFamily.familyId() + "'")).isZero();
    assertThat(authorizations.refresh(longFamily.refreshToken())).isPresent();
    assertThat(issued(rotate(longNext.refreshToken(), "jti-5")).familyId()).isEqualTo(longFamily.familyId());
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_families")).isEqualTo(1);
    assertThat(count(database, "SELECT COUNT(*) FROM authorization_codes")).isEqualTo(1);
  }
}
