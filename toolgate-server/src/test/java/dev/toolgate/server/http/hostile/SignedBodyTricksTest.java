package dev.toolgate.server.http.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.hostile.WireUpstream.Seen;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies that carry a valid signature but could be read one way by Toolgate and another way by the
 * upstream. Where Toolgate reads the body (the {@code sendbird} preset binds the user from
 * {@code /user_id}), every such body is refused; where it only verifies the signature, the upstream
 * gets exactly the signed bytes. Every body below is signed correctly unless its name says otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedBodyTricksTest {
  static final byte[] SIGNING_KEY = "sendbird-master-token-for-tricks".getBytes(StandardCharsets.UTF_8);
  static final String ADA = "{\"user_id\":\"sb-ada\"}";

  HostileGateway gateway;

  @BeforeAll
  void start() throws Exception {
    gateway = new HostileGateway("""
          - name: signed
            platform: sendbird
            method: POST
            path: /signed
            upstream: WIRE
            policy: { require: [sendbird_signature] }
          - name: bound
            platform: sendbird
            method: POST
            path: /users/{user_id}/orders
            upstream: WIRE
            preset: sendbird
            owner: { path_param: user_id, is: platform_user_id }
        """);
    ClientRecord client = gateway.harness.admin().createClient("sendbird-app", "sendbird");
    gateway.harness.admin().addSigningSecret(client.id(), SIGNING_KEY, null);
    UserStore users = new UserStore(gateway.harness.adminDb());
    users.createUser("ada", new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1)).hash("ada password 1"));
    users.mapPlatformUser("sendbird", "sb-ada", "ada"); // sb-bob, named by the tricks below, is nobody: only ambiguity is at stake
    gateway.start();
  }

  @AfterAll
  void stop() throws Exception {
    gateway.close();
  }

  static String signature(byte[] body) {
    return HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(SIGNING_KEY, body));
  }

  /** A signed POST: {@code headers} (whole lines) go before the signature and the Content-Length of {@code body}. */
  static String signedPost(String path, String headers, byte[] body) {
    return "POST " + path + " HTTP/1.1\r\nHost: toolgate.test\r\n" + headers + "x-sendbird-signature: " + signature(body)
        + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(utf8(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static final String JSON = "Content-Type: application/json\r\n";

  /** Bodies Toolgate would have to guess about to bind the user: refused, upstream untouched. */
  static Stream<Arguments> refusedBodies() {
    return Stream.of(
        argumentSet("a duplicate key", JSON, utf8("{\"user_id\":\"sb-ada\",\"user_id\":\"sb-bob\"}"), 400, "body_not_json"),
        argumentSet("a duplicate key deeper down", JSON, utf8("{\"user_id\":\"sb-ada\",\"order\":{\"id\":1,\"id\":2}}"), 400, "body_not_json"),
        argumentSet("a duplicate key spelled with an escape", JSON, utf8("{\"user_id\":\"sb-ada\",\"user\\u005fid\":\"sb-bob\"}"), 400, "body_not_json"),
        argumentSet("a key that differs only in case", JSON, utf8("{\"user_id\":\"sb-ada\",\"USER_ID\":\"sb-bob\"}"), 400, "bad_request"),
        argumentSet("a second JSON document after the first", JSON, utf8(ADA + "{\"user_id\":\"sb-bob\"}"), 400, "body_not_json"),
        argumentSet("trailing bytes after the JSON", JSON, utf8(ADA + "x"), 400, "body_not_json"),
        argumentSet("a comment hiding a second key", JSON, utf8("{\"user_id\":\"sb-ada\"/*,\"user_id\":\"sb-bob\"*/}"), 400, "body_not_json"),
        argumentSet("single-quoted JSON", JSON, utf8("{'user_id':'sb-ada'}"), 400, "body_not_json"),
        argumentSet("NaN", JSON, utf8("{\"user_id\":\"sb-ada\",\"n\":NaN}"), 400, "body_not_json"),
        argumentSet("a top-level array", JSON, utf8("[" + ADA + "]"), 400, "body_not_json"),
        argumentSet("Content-Encoding gzip on a gzip body", JSON + "Content-Encoding: gzip\r\n", gzip(ADA), 400, "body_not_json"),
        argumentSet("Content-Encoding gzip on a plain JSON body", JSON + "Content-Encoding: gzip\r\n", utf8(ADA), 400, "body_not_json"),
        argumentSet("Content-Encoding br on a plain JSON body", JSON + "Content-Encoding: br\r\n", utf8(ADA), 400, "body_not_json"),
        argumentSet("Content-Encoding identity, gzip", JSON + "Content-Encoding: identity, gzip\r\n", utf8(ADA), 400, "body_not_json"),
        argumentSet("Content-Type twice", JSON + "Content-Type: application/x-www-form-urlencoded\r\n", utf8(ADA), 400, "body_not_json"),
        argumentSet("Content-Type text/plain", "Content-Type: text/plain\r\n", utf8(ADA), 400, "body_not_json"));
  }

  @ParameterizedTest
  @MethodSource("refusedBodies")
  void aBodyReadForTheUserMustBeUnambiguous(String headers, byte[] body, int status, String code) throws Exception {
    gateway.send(signedPost("/users/sb-ada/orders", headers, body)).refused(status, code);
  }

  /** Bodies every JSON reader reads alike: accepted, and forwarded byte for byte. */
  static Stream<Arguments> acceptedBodies() {
    return Stream.of(
        argumentSet("a UTF-8 byte order mark (RFC 8259 §8.1 lets readers ignore it)", JSON, utf8("\uFEFF" + ADA)),
        argumentSet("trailing whitespace", JSON, utf8(ADA + " \r\n\t")),
        argumentSet("a member name spelled with an escape", JSON, utf8("{\"user\\u005fid\":\"sb-ada\"}")),
        argumentSet("Content-Encoding identity", JSON + "Content-Encoding: identity\r\n", utf8(ADA)));
  }

  @ParameterizedTest
  @MethodSource("acceptedBodies")
  void aBodyReadAlikeEverywhereIsForwardedByteForByte(String headers, byte[] body) throws Exception {
    HostileGateway.Outcome outcome = gateway.send(signedPost("/users/sb-ada/orders", headers, body));
    assertThat(outcome.only().status()).as(outcome.only().toString()).isEqualTo(200);
    Seen seen = outcome.forwardedOnce();
    assertThat(seen.body()).isEqualTo(body);
    assertThat(seen.header("x-toolgate-user")).hasSize(1);
    assertThat(seen.header("x-sendbird-signature")).isEmpty();
  }

  /** Where only the signature is checked, the upstream gets exactly the bytes it covers. */
  static Stream<Arguments> signatureOnly() {
    return Stream.of(
        argumentSet("a gzip body signed as sent", "Content-Encoding: gzip\r\n", gzip(ADA)),
        argumentSet("a body with a duplicate key (not read, so not judged as JSON)", JSON, utf8("{\"user_id\":\"sb-ada\",\"user_id\":\"sb-bob\"}")),
        argumentSet("a body that is not JSON at all", "Content-Type: application/octet-stream\r\n", new byte[] {0, 1, 2, (byte) 0xff}));
  }

  @ParameterizedTest
  @MethodSource("signatureOnly")
  void aSignatureOnlyToolForwardsTheSignedBytes(String headers, byte[] body) throws Exception {
    HostileGateway.Outcome outcome = gateway.send(signedPost("/signed", headers, body));
    assertThat(outcome.only().status()).as(outcome.only().toString()).isEqualTo(200);
    Seen seen = outcome.forwardedOnce();
    assertThat(seen.body()).isEqualTo(body);
    assertThat(seen.header("content-length")).containsExactly(Integer.toString(body.length));
  }

  @Test
  void aGzipBodyIsNeverDecompressedToVerifyItsSignature() throws Exception {
    byte[] body = gzip(ADA);
    String signedOverThePlainJson = signedPost("/signed", "Content-Encoding: gzip\r\n", body).replace(signature(body), signature(utf8(ADA)));
    gateway.send(signedOverThePlainJson).refused(401, "signature_invalid");
  }

  @Test
  void aChunkedSignedBodyIsForwardedWithItsLength() throws Exception {
    byte[] body = utf8(ADA);
    HostileGateway.Outcome outcome = gateway.send("POST /signed HTTP/1.1\r\nHost: toolgate.test\r\nx-sendbird-signature: " + signature(body)
        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n" + ADA.substring(0, 5) + "\r\n" + Integer.toHexString(body.length - 5) + "\r\n"
        + ADA.substring(5) + "\r\n0\r\n\r\n");
    assertThat(outcome.only().status()).isEqualTo(200);
    Seen seen = outcome.forwardedOnce();
    assertThat(seen.body()).isEqualTo(body);
    assertThat(seen.header("content-length")).containsExactly(Integer.toString(body.length));
    assertThat(seen.header("transfer-encoding")).isEmpty();
  }

  @Test
  void aBodyLongerThanItsContentLengthIsJudgedOnTheDeclaredBytes() throws Exception {
    byte[] declared = utf8(ADA);
    byte[] sent = utf8(ADA + "XYZ");
    String request = signedPost("/signed", JSON, declared).replace(signature(declared), signature(sent)) + "XYZ";
    gateway.send(request).refused(401, "signature_invalid");
  }

  @Test
  void bytesAfterTheDeclaredBodyAreASecondRequestJudgedOnItsOwn() throws Exception {
    byte[] body = utf8(ADA);
    String first = signedPost("/signed", JSON, body).replace("Connection: close\r\n", "");
    String unsigned = "POST /signed HTTP/1.1\r\nHost: toolgate.test\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    HostileGateway.Outcome outcome = gateway.send(first + unsigned);
    assertThat(outcome.answers()).extracting(RawConnection.Response::status).containsExactly(200, 401);
    assertThat(outcome.answers().get(1).code()).isEqualTo("signature_missing");
    assertThat(outcome.forwardedOnce().body()).isEqualTo(body);
  }

  @Test
  void aBodyShorterThanItsContentLengthNeverReachesTheUpstream() throws Exception {
    byte[] body = utf8(ADA);
    String promisedMore = signedPost("/signed", JSON, body).replace("Content-Length: " + body.length, "Content-Length: " + (body.length + 50));
    HostileGateway.Outcome outcome = gateway.sendThenHalfClose(promisedMore);
    assertThat(outcome.answers()).isEmpty();
    outcome.assertUpstreamSawNothing();
  }
}
