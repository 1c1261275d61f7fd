package dev.toolgate.core.token;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Map;

/**
 * A JWS in compact serialization, split and decoded strictly. Nimbus's own parser is lenient
 * about base64url (it skips characters outside the alphabet and ignores non-zero padding bits),
 * so the token is checked here first: exactly three parts, each canonical unpadded base64url,
 * and a protected header that is a UTF-8 JSON object (Nimbus's JSON reader is strict and refuses
 * duplicate member names, so {@code {"alg":"RS256","alg":"none"}} never gets this far).
 *
 * <p>The payload is decoded but not parsed: it is parsed only after the signature checks out.
 */
record CompactJws(Map<String, Object> header, byte[] payload, byte[] signingInput, Base64URL signature) {

  static Outcome<CompactJws> parse(String token) {
    if (token == null || token.isEmpty()) {
      return Outcome.fail(JwtFailure.MALFORMED, "no token");
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) {
      return Outcome.fail(JwtFailure.MALFORMED, partsDetail(token));
    }
    String headerPart = token.substring(0, first);
    String payloadPart = token.substring(first + 1, second);
    String signaturePart = token.substring(second + 1);
    byte[] headerBytes = decode(headerPart);
    if (headerBytes == null) {
      return Outcome.fail(JwtFailure.MALFORMED, "the header is not base64url");
    }
    byte[] payload = decode(payloadPart);
    if (payload == null) {
      return Outcome.fail(JwtFailure.MALFORMED, "the payload is not base64url");
    }
    if (decode(signaturePart) == null) {
      return Outcome.fail(JwtFailure.MALFORMED, "the signature is not base64url");
    }
    Map<String, Object> header = jsonObject(headerBytes);
    if (header == null) {
      return Outcome.fail(JwtFailure.MALFORMED, "the header is not a JSON object");
    }
    // Only alphabet characters passed decode(), so the signing input is plain ASCII.
    byte[] signingInput = token.substring(0, second).getBytes(StandardCharsets.US_ASCII);
    return Outcome.ok(new CompactJws(header, payload, signingInput, new Base64URL(signaturePart)));
  }

  /** The payload as a JSON object, or null if it is not one (an array, a string, invalid JSON or UTF-8). */
  Map<String, Object> payloadObject() {
    return jsonObject(payload);
  }

  private static String partsDetail(String token) {
    int parts = 1;
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) == '.') {
        parts++;
      }
    }
    return parts == 5
        ? "the token has 5 parts: encrypted tokens (JWE) are not accepted"
        : "the token has " + parts + " parts, a signed JWT has 3";
  }

  /**
   * Strict base64url without padding (RFC 7515 §2): alphabet only, no length that cannot occur,
   * and zero bits where the last character carries fewer than six, so each value has exactly one
   * encoding. Null if the part breaks any of these.
   */
  static byte[] decode(String part) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!alphabet) {
        return null;
      }
    }
    int rest = part.length() % 4;
    if (rest == 1) {
      return null;
    }
    if (rest != 0) {
      int last = sextet(part.charAt(part.length() - 1));
      int unusedBits = rest == 2 ? 0x0f : 0x03;
      if ((last & unusedBits) != 0) {
        return null;
      }
    }
    return Base64.getUrlDecoder().decode(part);
  }

  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : 63;
  }

  private static Map<String, Object> jsonObject(byte[] utf8) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    try {
      // Returns null for the JSON literal null; throws for arrays, scalars and invalid JSON.
      return JSONObjectUtils.parse(text);
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }
}
