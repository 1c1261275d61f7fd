package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;

/** What the {@link AuthorizationStore} contracts share: a store on the test's database and a few ready-made grants. */
abstract class AuthorizationStoreTestBase extends StoreTestBase {
  static final String CLIENT = "cl_mcpclient";
  static final String USER = "us_alice";
  static final String REDIRECT = "http://127.0.0.1:33418/callback";
  static final String RESOURCE = "https://mcp.example.com/mcp";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  static final Duration CODE_TTL = Duration.ofSeconds(60);
  static final Duration REFRESH_TTL = Duration.ofHours(24);
  static final Duration ACCESS_TTL = Duration.ofHours(1);
  static final Duration GRACE = Duration.ofSeconds(10);

  AuthorizationStore authorizations;
  CredentialStore credentials;

  @BeforeEach
  void createAuthorizationStore() {
    authorizations = new AuthorizationStore(database, clock);
    credentials = newStore();
  }

  AuthorizationStore.NewCode newCode(Set<String> scopes) {
    return new AuthorizationStore.NewCode(CLIENT, USER, REDIRECT, CHALLENGE, RESOURCE, scopes, clock.instant().plus(CODE_TTL));
  }

  /** A code as the token endpoint holds it after its checks. */
  AuthorizationStore.Code checkedCode() {
    return authorizations.code(authorizations.issueCode(newCode(Set.of("tools:read", "tools:call")))).orElseThrow();
  }

  /** The access token a grant signs beside a refresh token, live for {@link #ACCESS_TTL}. */
  AuthorizationStore.AccessToken access(String jti) {
    return new AuthorizationStore.AccessToken(jti, clock.instant().plus(ACCESS_TTL));
  }

  /** A family started by a code exchange whose access token is {@code jti}. */
  AuthorizationStore.Issued grant(String jti) {
    return issued(authorizations.exchange(checkedCode(), access(jti), REFRESH_TTL));
  }

  AuthorizationStore.Refresh refresh(String value) {
    return authorizations.refresh(value).orElseThrow();
  }

  /** Rotates {@code value} as the token endpoint would: checked first, then committed. */
  AuthorizationStore.Outcome rotate(String value, String jti) {
    return authorizations.rotate(refresh(value), Set.of("tools:read"), access(jti), GRACE);
  }

  static AuthorizationStore.Issued issued(AuthorizationStore.Outcome outcome) {
    assertThat(outcome).isInstanceOf(AuthorizationStore.Issued.class);
    return (AuthorizationStore.Issued) outcome;
  }

  static AuthorizationStore.Revoked revoked(AuthorizationStore.Outcome outcome) {
    assertThat(outcome).isInstanceOf(AuthorizationStore.Revoked.class);
    return (AuthorizationStore.Revoked) outcome;
  }

  static List<String> jtis(AuthorizationStore.Revoked revoked) {
    return revoked.accessTokens().stream().map(AuthorizationStore.AccessToken::jti).toList();
  }

  /** The jtis in {@code revoked_tokens}, which every instance's cache reloads. */
  List<String> revokedJtis() {
    return List.copyOf(credentials.loadSnapshot().revokedTokenIds());
  }
}
