package dev.toolgate.server.http;

/** Whether this instance should get traffic: credentials loaded, store reachable, not shutting down. */
public final class Readiness {
  private volatile String notReadyReason = "starting";

  public void ready() {
    notReadyReason = null;
  }

  public void notReady(String reason) {
    notReadyReason = reason;
  }

  public boolean isReady() {
    return notReadyReason == null;
  }

  public String reason() {
    String r = notReadyReason;
    return r == null ? "ready" : r;
  }
}
