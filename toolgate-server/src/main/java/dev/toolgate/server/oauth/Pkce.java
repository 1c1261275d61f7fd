package dev.toolgate.server.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** PKCE (RFC 7636), S256 only: {@code plain} would let whoever sees the authorization request redeem the code. */
public final class Pkce {
  public static final String S256 = "S256";

  private Pkce() {}

  /** Why {@code challenge} is not an S256 challenge (base64url of a SHA-256 digest: 43 characters), or null. */
  public static String challengeProblem(String challenge, String method) {
    if (challenge == null || challenge.isEmpty()) {
      return "code_challenge is required (PKCE with S256)";
    }
    if (method == null || method.isEmpty()) {
      return "code_challenge_method is required and must be S256";
    }
    if (!S256.equals(method)) {
      return "code_challenge_method must be S256 (plain is not accepted)";
    }
    if (challenge.length() != 43 || !challenge.chars().allMatch(Pkce::isBase64Url)) {
      return "code_challenge must be the base64url SHA-256 of the code verifier (43 characters)";
    }
    return null;
  }

  /** Whether {@code verifier} is well formed (RFC 7636 §4.1) and hashes to {@code challenge}. */
  public static boolean verifies(String verifier, String challenge) {
    if (verifier == null || verifier.length() < 43 || verifier.length() > 128 || !verifier.chars().allMatch(Pkce::isUnreserved)) {
      return false;
    }
    return MessageDigest.isEqual(s256(verifier).getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII));
  }

  /** The S256 challenge of a verifier. */
  public static String s256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static boolean isBase64Url(int c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
  }

  private static boolean isUnreserved(int c) {
    return isBase64Url(c) || c == '.' || c == '~';
  }
}
