package dev.toolgate.server.http;

/**
 * Whether this instance should get traffic: credentials loaded (and every credential in use
 * decrypted), audit records kept (written, buffered or spilled, not lost), not shutting down. A store
 * that does not answer is reported ({@link #store()}) but keeps the instance ready: calls are still
 * verified from the snapshot and their audit records wait for the store (docs/storage.md says why).
 */
public final class Readiness {
  private volatile String notReadyReason = "starting";
  private volatile String store = "ok";
  private volatile String audit = "ok";

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

  /**
   * The store as the last poll saw it ({@code reachable}), and what the audit writer does about it:
   * {@code ok}, {@code buffering}, {@code spilling} or {@code losing} (not ready).
   */
  public void store(boolean reachable, String auditState) {
    store = reachable ? "ok" : "unreachable";
    audit = auditState;
  }

  /** {@code ok} or {@code unreachable}. */
  public String store() {
    return store;
  }

  /** {@code ok}, {@code buffering}, {@code spilling} or {@code losing}. */
  public String audit() {
    return audit;
  }

  public boolean isReady() {
    return notReadyReason == null && !LOSING.equals(audit);
  }

  public String reason() {
    String r = notReadyReason;
    if (r == null && LOSING.equals(audit)) {
      return "audit records are being lost: the store cannot take them and the spill files cannot either; see the server log";
    }
    return r == null ? "ready" : r;
  }

  private static final String LOSING = "losing";
}
