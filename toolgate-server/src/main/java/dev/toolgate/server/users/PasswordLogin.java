package dev.toolgate.server.users;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A username and password checked for customer login and for the authorization pages: the throttle
 * first (a throttled attempt costs no hash), then one user lookup and one Argon2id verification
 * whatever the outcome (unknown users are checked against the dummy hash), so unknown, wrong and
 * disabled look and take the same. Only failures stay counted. Blocking: call it on a worker thread.
 */
public final class PasswordLogin {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordLogin.class);

  /** The user who signed in, or refused credentials (both null), or throttled ({@code retryAfter}). */
  public record Outcome(User user, Duration retryAfter) {}

  private final UserStore users;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;

  public PasswordLogin(UserStore users, PasswordHasher hasher, LoginThrottle throttle) {
    this.users = users;
    this.hasher = hasher;
    this.throttle = throttle;
  }

  /**
   * @param name the normalised username as typed
   * @throws LoginThrottle.Unavailable when the throttle cannot count (answered 503)
   */
  public Outcome attempt(String name, String password, String address) {
    LoginThrottle.Attempt attempt = throttle.begin(name, address);
    if (!attempt.allowed()) {
      return new Outcome(null, attempt.retryAfter());
    }
    User user;
    try {
      user = authenticate(name, password);
    } catch (RuntimeException e) {
      attempt.cancelled();
      throw e;
    }
    if (user == null) {
      attempt.failed();
    } else {
      attempt.succeeded();
    }
    return new Outcome(user, null);
  }

  private User authenticate(String name, String password) {
    User user = users.findUserByUsername(name).orElse(null);
    if (user == null || !user.hasPassword()) {
      hasher.verifyNothing(password); // the same work as a wrong password
      return null;
    }
    if (!hasher.verify(password, user.passwordHash()) || user.disabled()) {
      return null;
    }
    upgradeHash(user, password);
    return user;
  }

  private void upgradeHash(User user, String password) {
    if (!hasher.needsRehash(user.passwordHash())) {
      return;
    }
    try {
      users.upgradePasswordHash(user.id(), user.passwordHash(), hasher.hash(password));
    } catch (RuntimeException e) {
      LOG.warn("could not upgrade the password hash of user {} to {}: {}", user.id(), hasher.parameters(), e.getMessage());
    }
  }
}
