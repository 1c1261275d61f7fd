package dev.toolgate.server.observe;

/**
 * How one tool call (or one decision API question) ended, handed to the {@link CallObservers} once
 * the answer is complete: what metrics count and the access log writes. Holds no secret: no header,
 * no body, no query string.
 *
 * @param path the request path as received, without the query string (the access log's, never a metric label)
 * @param tool the tool the call routed to; null when it routed to none
 * @param clientId the client the credentials verified as; null when none did
 * @param code {@code ok}, a denial code, or {@code client_aborted}
 * @param status the status the caller got (the upstream's when forwarded; 499 when the caller left first)
 * @param endEpochMillis when the answer was complete
 * @param totalNanos from the request's arrival to the end of the answer
 * @param gatewayNanos Toolgate's own share: from arrival until the call was forwarded, or answered when it was not
 * @param upstreamNanos from forwarding until the upstream's response head (or its failure); -1 when not forwarded
 * @param bytesIn request body bytes read
 * @param bytesOut response body bytes written
 */
public record CallRecord(String requestId, Mode mode, String method, String path, String tool, String clientId, boolean allowed,
    String code, int status, String clientIp, long endEpochMillis, long totalNanos, long gatewayNanos, long upstreamNanos,
    long bytesIn, long bytesOut) {

  /** Proxied to the tool's upstream, or judged for another proxy ({@code /decisions}). */
  public enum Mode {
    PROXY("proxy"), DECISION("decision");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public boolean forwarded() {
    return upstreamNanos >= 0;
  }

  public String decision() {
    return allowed ? "allow" : "deny";
  }
}
