package dev.toolgate.server.http.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.hostile.WireUpstream.Seen;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Headers a caller sends to pass for Toolgate, or credentials it hopes reach an upstream. The
 * upstream must only ever see Toolgate's own {@code X-Toolgate-*} and {@code X-Request-Id}, and no
 * credential of any kind under any spelling (case, whitespace, {@code _} for {@code -}, folded
 * lines), whether or not the tool's policy used it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeaderSpoofingTest {
  static final String HEAD = "Host: toolgate.test\r\nX-Trace: kept\r\n";

  HostileGateway gateway;
  ClientRecord client;
  String token;
  String apiKey;

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
          - name: keyed
            platform: sendbird
            method: GET
            path: /keyed
            upstream: WIRE
            policy: { require: [api_key] }
          - name: lookup
            platform: sendbird
            method: GET
            path: /lookup
            upstream: WIRE
            policy: { require: [api_key] }
            user:
              platform_user_id: { header: x-user-id }
          - name: refund
            method: POST
            path: /refund
            upstream: WIRE
            policy:
              require: [user_token]
              user_token: { header: customer-auth }
            user: {}
        authorization_server:
          password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
        """);
    client = gateway.harness.admin().createClient("app", "sendbird");
    token = gateway.harness.admin().createStaticToken(client.id(), null).plaintext();
    apiKey = gateway.harness.admin().createApiKey(client.id(), Set.of("*"), null).plaintext();
    UserStore users = new UserStore(gateway.harness.adminDb());
    users.createUser("ada", new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1)).hash("ada password 1"));
    users.mapPlatformUser("sendbird", "sb-ada", "ada");
    gateway.start();
  }

  @AfterAll
  void stop() throws Exception {
    gateway.close();
  }

  /** Toolgate's own headers, forged (values carry {@code SPOOF}): none of it may reach the upstream. */
  static Stream<Arguments> forgedIdentity() {
    return Stream.of(
        argumentSet("X-Toolgate-User", "X-Toolgate-User: SPOOF-victim\r\n"),
        argumentSet("X-Toolgate-Client", "X-Toolgate-Client: cl_SPOOF\r\n"),
        argumentSet("X-Toolgate-Tool", "X-Toolgate-Tool: SPOOF\r\n"),
        argumentSet("X-TOOLGATE-USER in upper case", "X-TOOLGATE-USER: SPOOF\r\n"),
        argumentSet("any X-Toolgate- name", "X-Toolgate-Verified: SPOOF-yes\r\n"),
        argumentSet("x_toolgate_user", "x_toolgate_user: SPOOF\r\n"),
        argumentSet("X_Toolgate_Client", "X_Toolgate_Client: cl_SPOOF\r\n"),
        argumentSet("X-Toolgate_User (one '_')", "X-Toolgate_User: SPOOF\r\n"),
        argumentSet("X-Request-Id", "X-Request-Id: SPOOF\r\n"),
        argumentSet("x_request_id", "x_request_id: SPOOF\r\n"),
        argumentSet("X-REQUEST-ID in upper case", "X-REQUEST-ID: SPOOF\r\n"),
        argumentSet("X_Forwarded_For", "X_Forwarded_For: SPOOF\r\n"));
  }

  /** Credentials of every kind Toolgate knows (values carry {@code SPOOF}), sent where no policy reads them. */
  static Stream<Arguments> strayCredentials() {
    return Stream.of(
        argumentSet("Authorization", "Authorization: Bearer tgt_SPOOF\r\n"),
        argumentSet("AUTHORIZATION in upper case", "AUTHORIZATION: Bearer tgt_SPOOF\r\n"),
        argumentSet("authorization with tabs and spaces", "authorization:\t  Bearer tgt_SPOOF \t\r\n"),
        argumentSet("Authorization folded onto a continuation line", "Authorization: Bearer\r\n tgt_SPOOF\r\n"),
        argumentSet("Authorization twice", "Authorization: Bearer tgt_SPOOF1\r\nAuthorization: Basic SPOOF2\r\n"),
        argumentSet("Proxy-Authorization", "Proxy-Authorization: Basic SPOOF\r\n"),
        argumentSet("api-key (the platform's API-key header)", "api-key: tgk_SPOOF\r\n"),
        argumentSet("API_KEY", "API_KEY: tgk_SPOOF\r\n"),
        argumentSet("Api_Key", "Api_Key: tgk_SPOOF\r\n"),
        argumentSet("X-Api-Key (another platform's API-key header)", "X-Api-Key: tgk_SPOOF\r\n"),
        argumentSet("x_api_key", "x_api_key: tgk_SPOOF\r\n"),
        argumentSet("x-sendbird-signature", "x-sendbird-signature: SPOOF\r\n"),
        argumentSet("X_Sendbird_Signature", "X_Sendbird_Signature: SPOOF\r\n"),
        argumentSet("customer-auth (another tool's user-token header)", "customer-auth: JWT SPOOF\r\n"),
        argumentSet("Customer_Auth", "Customer_Auth: JWT SPOOF\r\n"),
        argumentSet("webhook-signature (Standard Webhooks)", "webhook-signature: v1,SPOOF\r\n"),
        argumentSet("Stripe-Signature", "Stripe-Signature: t=1,v1=SPOOF\r\n"));
  }

  @ParameterizedTest
  @MethodSource({"forgedIdentity", "strayCredentials"})
  void anAnonymousCallForwardsNoneOfIt(String headerLines) throws Exception {
    HostileGateway.Outcome outcome = gateway.send("GET /public/a HTTP/1.1\r\n" + HEAD + headerLines + "Connection: close\r\n\r\n");
    assertThat(outcome.only().status()).as(outcome.only().toString()).isEqualTo(200);
    Seen seen = assertOnlyToolgateSpeaks(outcome, "public");
    assertThat(seen.header("x-toolgate-client")).isEmpty();
    assertThat(seen.header("x-toolgate-user")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("forgedIdentity")
  void anAuthenticatedCallForwardsOnlyToolgatesIdentity(String headerLines) throws Exception {
    HostileGateway.Outcome outcome = gateway.send("GET /keyed HTTP/1.1\r\n" + HEAD + "api-key: " + apiKey + "\r\n" + headerLines + "Connection: close\r\n\r\n");
    assertThat(outcome.only().status()).as(outcome.only().toString()).isEqualTo(200);
    Seen seen = assertOnlyToolgateSpeaks(outcome, "keyed");
    assertThat(seen.header("x-toolgate-client")).containsExactly(client.id());
    assertThat(String.join("\n", seen.headerLines())).doesNotContain(apiKey);
  }

  /** The one forwarded request: Toolgate's identity headers, the caller's harmless header, no SPOOF. */
  private Seen assertOnlyToolgateSpeaks(HostileGateway.Outcome outcome, String tool) {
    Seen seen = outcome.forwardedOnce();
    assertThat(seen.rawHead()).doesNotContainIgnoringCase("spoof");
    assertThat(seen.headerNames()).noneMatch(name -> name.contains("_"));
    assertThat(seen.header("x-toolgate-tool")).containsExactly(tool);
    assertThat(seen.header("x-request-id")).containsExactly(outcome.only().header("x-request-id"));
    assertThat(seen.header("x-trace")).as("a header nobody owns passes").containsExactly("kept");
    return seen;
  }

  /** A valid token under odd spellings: verified, and gone before the upstream. */
  static Stream<Arguments> tokenSpellings() {
    return Stream.of(
        argumentSet("Authorization in upper case", "AUTHORIZATION: Bearer %s\r\n"),
        argumentSet("a lower-case bearer scheme", "authorization: bearer %s\r\n"),
        argumentSet("spaces and a tab around the value", "Authorization:  \tBearer %s \t \r\n"),
        argumentSet("the value folded onto a continuation line", "Authorization: Bearer\r\n %s\r\n"),
        argumentSet("with a forged client beside it", "Authorization: Bearer %s\r\nX-Toolgate-Client: cl_SPOOF\r\nx_toolgate_client: cl_SPOOF\r\n"));
  }

  @ParameterizedTest
  @MethodSource("tokenSpellings")
  void aVerifiedTokenIsStrippedUnderAnySpelling(String headerLines) throws Exception {
    HostileGateway.Outcome outcome = gateway.send("GET /orders/status HTTP/1.1\r\n" + HEAD + headerLines.formatted(token) + "Connection: close\r\n\r\n");
    assertThat(outcome.only().status()).as(outcome.only().toString()).isEqualTo(200);
    Seen seen = assertOnlyToolgateSpeaks(outcome, "orders");
    assertThat(seen.rawHead()).doesNotContain(token);
    assertThat(seen.header("authorization")).isEmpty();
    assertThat(seen.header("x-toolgate-client")).containsExactly(client.id());
  }

  /** Credential and identity headers sent twice or under a look-alike name: refused, never picked from. */
  Stream<Arguments> ambiguousCredentials() {
    return Stream.of(
        argumentSet("two Authorization headers", "GET /orders/status", "Authorization: Bearer " + token + "\r\nAuthorization: Bearer tgt_other\r\n", 401, "token_invalid"),
        argumentSet("the API key under Api_Key is not read as api-key", "GET /keyed", "Api_Key: " + apiKey + "\r\n", 401, "api_key_missing"),
        argumentSet("the API key twice", "GET /keyed", "api-key: " + apiKey + "\r\nAPI-KEY: " + apiKey + "\r\n", 401, "api_key_invalid"),
        argumentSet("the identity header twice", "GET /lookup", "api-key: " + apiKey + "\r\nX-User-Id: sb-ada\r\nx-user-id: sb-bob\r\n", 400, "bad_request"),
        argumentSet("the identity header beside X_User_Id", "GET /lookup", "api-key: " + apiKey + "\r\nX-User-Id: sb-ada\r\nX_User_Id: sb-bob\r\n", 400, "bad_request"),
        argumentSet("the identity header beside X-User_Id", "GET /lookup", "api-key: " + apiKey + "\r\nX-User_Id: sb-bob\r\nX-User-Id: sb-ada\r\n", 400, "bad_request"),
        argumentSet("the identity only as X_User_Id", "GET /lookup", "api-key: " + apiKey + "\r\nX_User_Id: sb-ada\r\n", 400, "bad_request"));
  }

  @ParameterizedTest
  @MethodSource("ambiguousCredentials")
  void ambiguousCredentialsAreRefused(String requestLineStart, String headerLines, int status, String code) throws Exception {
    gateway.send(requestLineStart + " HTTP/1.1\r\n" + HEAD + headerLines + "Connection: close\r\n\r\n").refused(status, code);
  }

  @Test
  void theIdentityHeaderAloneIsReadAndForwardedAsSent() throws Exception {
    HostileGateway.Outcome outcome = gateway.send("GET /lookup HTTP/1.1\r\n" + HEAD + "api-key: " + apiKey + "\r\nX-User-Id: sb-ada\r\nConnection: close\r\n\r\n");
    assertThat(outcome.only().status()).as(outcome.only().toString()).isEqualTo(200);
    Seen seen = outcome.forwardedOnce();
    assertThat(seen.header("x-user-id")).containsExactly("sb-ada");
    assertThat(seen.header("x-toolgate-user")).hasSize(1);
  }
}
