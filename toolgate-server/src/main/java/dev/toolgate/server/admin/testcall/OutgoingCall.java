package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.route.Route;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request a test call sends to the gateway, as built so far, and how it is shown back: every
 * credential value replaced by {@value HeaderRules#REDACTED} wherever it went (a header, the query,
 * the body), and every credential header redacted whoever set it.
 *
 * @param query without {@code ?}; null when none
 * @param body the body text (sent as UTF-8); null when none
 * @param secrets credential values placed in the request, never shown
 * @param secretHeaders lower-case names of headers shown redacted whatever they hold
 */
public record OutgoingCall(Route route, String method, String path, String query, List<TestCallRequest.Header> headers, String body,
    Set<String> secrets, Set<String> secretHeaders) {
  public OutgoingCall {
    headers = List.copyOf(headers);
    secrets = Set.copyOf(secrets);
    secretHeaders = Set.copyOf(secretHeaders);
  }

  /** This call with one more header, whose value is a credential. */
  OutgoingCall withCredentialHeader(String name, String value, String secret) {
    List<TestCallRequest.Header> more = new ArrayList<>(headers);
    more.add(new TestCallRequest.Header(name, value));
    return new OutgoingCall(route, method, path, query, more, body, plus(secret), secretHeaders);
  }

  /** This call with another query, holding the credential {@code secret}. */
  OutgoingCall withQuery(String newQuery, String secret) {
    return new OutgoingCall(route, method, path, newQuery, headers, body, plus(secret), secretHeaders);
  }

  /** This call with another body, holding the credential {@code secret}. */
  OutgoingCall withBody(String newBody, String secret) {
    return new OutgoingCall(route, method, path, query, headers, newBody, plus(secret), secretHeaders);
  }

  private Set<String> plus(String secret) {
    Set<String> all = new HashSet<>(secrets);
    all.add(secret);
    return all;
  }

  /** The request target: path and query. */
  public String target() {
    return query == null ? path : path + "?" + query;
  }

  public byte[] bodyBytes() {
    return body == null ? null : body.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether a header of this name is in the call (any case). */
  boolean hasHeader(String name) {
    return headers.stream().anyMatch(h -> h.name().equalsIgnoreCase(name));
  }

  public String shownQuery() {
    return redact(query);
  }

  public String shownBody() {
    return redact(body);
  }

  /** The headers as shown: credential headers redacted whole, credential values redacted wherever else they appear. */
  public List<TestCallRequest.Header> shownHeaders() {
    return headers.stream().map(h -> new TestCallRequest.Header(h.name(),
        secretHeaders.contains(h.name().toLowerCase(Locale.ROOT)) ? HeaderRules.REDACTED : redact(h.value()))).toList();
  }

  /**
   * {@code text} with every credential value of this call replaced: for the answer too, should an
   * upstream or a refusal ever echo one.
   */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String shown = text;
    for (String secret : secrets) {
      shown = shown.replace(secret, HeaderRules.REDACTED);
    }
    return shown;
  }
}
