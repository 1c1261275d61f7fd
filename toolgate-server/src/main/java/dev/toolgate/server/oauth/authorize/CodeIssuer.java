package dev.toolgate.server.oauth.authorize;

import dev.toolgate.core.config.CodeFlowSettings;
import dev.toolgate.server.store.AuthorizationStore;
import java.time.Clock;

/** Turns a consented request into an authorization code in the shared store. Blocking: call it on a worker thread. */
final class CodeIssuer {
  private final AuthorizationStore store;
  private final CodeFlowSettings settings;
  private final Clock clock;

  CodeIssuer(AuthorizationStore store, CodeFlowSettings settings, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  /** A code if the user already allowed this client these scopes for this resource; null if they must be asked. */
  String ifConsented(String userId, AuthorizationRequest r) {
    return store.consented(userId, r.clientId(), r.scopeSet(), r.resource()) ? issue(userId, r) : null;
  }

  /** The user allowed it on the consent page: remembered for next time, and a code now. */
  String allow(String userId, AuthorizationRequest r) {
    store.rememberConsent(userId, r.clientId(), r.scopeSet(), r.resource());
    return issue(userId, r);
  }

  private String issue(String userId, AuthorizationRequest r) {
    return store.issueCode(new AuthorizationStore.NewCode(r.clientId(), userId, r.redirectUri(), r.codeChallenge(), r.resource(),
        r.scopeSet(), clock.instant().plus(settings.codeTtl())));
  }
}
