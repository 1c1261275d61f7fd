package dev.toolgate.server.http;

/**
 * Whether this instance should get traffic: credentials loaded (and every credential in use
 * decrypted), store reachable, not shutting down.
 */
public final class Readiness {
  private volatile String notReadyReason = "starting";

  public void ready() {
    notReadyReason = null;
  }

  public void notReady(String reason) {
    notReadyReason = reason;
  }

  /**
   * After the credentials were (re)loaded: ready, unless {@code undecryptable} credentials in use
   * could not be decrypted, since every call that needs one would fail as if its credential were
   * wrong. The reason is public (load balancers read it): it counts and points at the log, which
   * names them.
   */
  public void credentialsLoaded(int undecryptable) {
    if (undecryptable == 0) {
      ready();
    } else {
      notReady(undecryptable + " stored credential(s) in use cannot be decrypted with the master key in use; see the server log");
    }
  }

  public boolean isReady() {
    return notReadyReason == null;
  }

  public String reason() {
    String r = notReadyReason;
    return r == null ? "ready" : r;
  }
}
