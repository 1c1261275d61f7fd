package dev.toolgate.server.http.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.toolgate.server.http.hostile.WireUpstream.Seen;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request targets that could route one way at Toolgate and another way upstream. Each is refused
 * before routing, or routed and forwarded with exactly the path that was judged. The protected tool
 * {@code GET /orders/status} must never be reached through the anonymous {@code /public/**}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathConfusionTest {
  HostileGateway gateway;

  @BeforeAll
  void start() throws Exception {
    gateway = new HostileGateway("""
          - name: public
            method: "*"
            path: /public/**
            upstream: WIRE
            policy: { anonymous: true }
          - name: orders
            platform: sendbird
            method: GET
            path: /orders/status
            upstream: WIRE
            policy: { require: [static_token] }
        """).start();
  }

  @AfterAll
  void stop() throws Exception {
    gateway.close();
  }

  /** The exact bytes: one request line with {@code target}, a Host, and Connection: close. */
  static String request(String method, String target) {
    return method + " " + target + " HTTP/1.1\r\nHost: toolgate.test\r\nConnection: close\r\n\r\n";
  }

  static Stream<Arguments> refusedTargets() {
    return Stream.of(
        argumentSet("dot-dot segment", "GET", "/public/../orders/status", 400, "bad_path"),
        argumentSet("dot segment", "GET", "/public/./x", 400, "bad_path"),
        argumentSet("encoded dot-dot %2e%2e", "GET", "/public/%2e%2e/orders/status", 400, "bad_path"),
        argumentSet("upper-case encoded dot-dot %2E%2E", "GET", "/public/%2E%2E/orders/status", 400, "bad_path"),
        argumentSet("half-encoded dot-dot .%2e", "GET", "/public/.%2e/orders/status", 400, "bad_path"),
        argumentSet("encoded slash %2f", "GET", "/public%2f..%2forders/status", 400, "bad_path"),
        argumentSet("upper-case encoded slash %2F", "GET", "/public/x%2F..%2F..%2Forders%2Fstatus", 400, "bad_path"),
        argumentSet("encoded backslash %5c", "GET", "/public/..%5c..%5corders/status", 400, "bad_path"),
        argumentSet("backslashes", "GET", "/public\\..\\orders/status", 400, "bad_path"),
        argumentSet("matrix parameter ..;/", "GET", "/public/..;/orders/status", 400, "bad_path"),
        argumentSet("semicolon in a segment", "GET", "/public;x/y", 400, "bad_path"),
        argumentSet("encoded semicolon %3b", "GET", "/public/..%3b/orders/status", 400, "bad_path"),
        argumentSet("double slash first", "GET", "//orders/status", 400, "bad_path"),
        argumentSet("empty segment //", "GET", "/public//x", 400, "bad_path"),
        argumentSet("trailing slash (an empty last segment)", "GET", "/public/x/", 400, "bad_path"),
        argumentSet("network-path reference //host/path", "GET", "//evil.example/public/x", 400, "bad_path"),
        argumentSet("relative target without a slash", "GET", "evil.example/public/x", 400, "bad_path"),
        argumentSet("asterisk-form with OPTIONS", "OPTIONS", "*", 400, "bad_path"),
        argumentSet("asterisk-form with GET", "GET", "*", 400, "bad_path"),
        argumentSet("authority-form with CONNECT", "CONNECT", "evil.example:443", 400, "bad_path"),
        argumentSet("raw NUL byte", "GET", "/public/\u0000/../orders/status", 400, "bad_path"),
        argumentSet("encoded NUL %00", "GET", "/public/x%00/../../orders/status", 400, "bad_path"),
        argumentSet("control byte 0x01", "GET", "/public/\u0001x", 400, "bad_path"),
        argumentSet("DEL byte 0x7f", "GET", "/public/x\u007f", 400, "bad_path"),
        argumentSet("raw non-ASCII byte 0xe9", "GET", "/public/caf\u00e9", 400, "bad_path"),
        argumentSet("overlong UTF-8 dot-dot %c0%ae%c0%ae", "GET", "/public/%c0%ae%c0%ae/orders/status", 400, "bad_path"),
        argumentSet("overlong UTF-8 slash %c0%af", "GET", "/public/..%c0%af..%c0%aforders/status", 400, "bad_path"),
        argumentSet("3-byte overlong dot %e0%80%ae", "GET", "/public/%e0%80%ae%e0%80%ae/orders/status", 400, "bad_path"),
        argumentSet("UTF-8 lead byte alone %e9 (Latin-1 escape)", "GET", "/public/caf%e9", 400, "bad_path"),
        argumentSet("invalid UTF-8 byte %ff", "GET", "/public/%ff", 400, "bad_path"),
        argumentSet("IIS %u escape", "GET", "/public/%u002e%u002e/orders/status", 400, "bad_path"),
        argumentSet("broken escape %zz in the path", "GET", "/public/%zz", 400, "bad_path"),
        argumentSet("braces in the path", "GET", "/public/{b}", 400, "bad_path"),
        argumentSet("encoded braces %7B%7D in the path", "GET", "/public/%7Bb%7D/x", 400, "bad_path"),
        argumentSet("fragment in the target", "GET", "/public/x#/../../orders/status", 400, "bad_path"),
        argumentSet("fragment after a query", "GET", "/public/x?a=1#frag", 400, "bad_request"),
        argumentSet("broken escape %zz in the query", "GET", "/public/x?a=%zz", 400, "bad_request"),
        argumentSet("braces in the query", "GET", "/public/x?a={b}", 400, "bad_request"),
        argumentSet("pipe in the query", "GET", "/public/x?a=|", 400, "bad_request"),
        argumentSet("tab inside the target (refused by the HTTP codec)", "GET", "/public/x\t/../orders/status", 400, "bad_request"),
        argumentSet("space inside the target (refused by the HTTP codec)", "GET", "/public/x /../orders/status", 400, "bad_request"),
        argumentSet("absolute-form naming the protected tool", "GET", "http://evil.example/orders/status", 401, "token_missing"),
        argumentSet("absolute-form with a dot-dot", "GET", "http://evil.example/public/../orders/status", 400, "bad_path"),
        argumentSet("absolute-form without a path", "GET", "http://evil.example", 404, "route_not_found"),
        argumentSet("upper-case protected path", "GET", "/ORDERS/status", 404, "route_not_found"));
  }

  @ParameterizedTest
  @MethodSource("refusedTargets")
  void refusedWithoutReachingTheUpstream(String method, String target, int status, String code) throws Exception {
    gateway.send(request(method, target)).refused(status, code);
  }

  static Stream<Arguments> forwardedTargets() {
    return Stream.of(
        argumentSet("absolute-form: the path is judged and forwarded, the authority is not", "http://evil.example/public/x", "/public/x"),
        argumentSet("absolute-form https with a query", "https://evil.example:8443/public/x?a=1", "/public/x?a=1"),
        argumentSet("absolute-form with an upper-case scheme", "HTTP://EVIL.EXAMPLE/public/x", "/public/x"),
        argumentSet("encoded '#' %23 stays encoded", "/public/x%23frag", "/public/x%23frag"),
        argumentSet("encoded space stays encoded", "/public/a%20b", "/public/a%20b"),
        argumentSet("well-formed UTF-8 escapes stay as sent", "/public/caf%C3%A9", "/public/caf%C3%A9"),
        argumentSet("dots inside a segment are not dot segments", "/public/..x/.y", "/public/..x/.y"),
        argumentSet("an empty query is dropped", "/public/x?", "/public/x"));
  }

  @ParameterizedTest
  @MethodSource("forwardedTargets")
  void forwardedWithExactlyTheJudgedPath(String target, String forwardedTarget) throws Exception {
    HostileGateway.Outcome outcome = gateway.send(request("GET", target));
    assertThat(outcome.only().status()).as(outcome.only().toString()).isEqualTo(200);
    Seen seen = outcome.forwardedOnce();
    assertThat(seen.requestLine()).isEqualTo("GET " + forwardedTarget + " HTTP/1.1");
    assertThat(seen.header("x-toolgate-tool")).containsExactly("public");
    assertThat(seen.header("host")).containsExactly(URI.create(gateway.upstream.url()).getAuthority());
  }
}
