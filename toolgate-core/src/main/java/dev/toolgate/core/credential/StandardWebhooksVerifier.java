package dev.toolgate.core.credential;

import com.google.crypto.tink.subtle.Ed25519Verify;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A Standard Webhooks signature (standardwebhooks.com, spec 1.0.0): {@code webhook-id},
 * {@code webhook-timestamp} (unix seconds) and {@code webhook-signature}, a space-separated list of
 * {@code v1,<base64 HMAC-SHA256>} and {@code v1a,<base64 Ed25519>} over
 * {@code id + "." + timestamp + "." + raw body}. Valid when any listed signature verifies under any
 * active secret of the tool's platform (several during a rotation; see {@link StandardWebhooksKey}
 * for the {@code whsec_} and {@code whpk_} forms); other versions are ignored. Then the timestamp must
 * lie within the platform's {@code replay_tolerance} of now, and the id must not have been accepted
 * for the same client within that window.
 *
 * <p>The signature is checked before the timestamp and the id, so a refusal for time or replay names
 * the secret that matched, and only genuine messages ever enter the replay cache.
 */
public final class StandardWebhooksVerifier implements CredentialVerifier {
  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";
  /** A longer id is refused: ids are remembered, and real senders use ids of a few dozen characters. */
  static final int MAX_ID_LENGTH = 256;
  /** Senders list one signature, two during a rotation; more are refused rather than each tried (Ed25519 costs ~0.1 ms). */
  static final int MAX_SIGNATURES = 8;
  private static final int HMAC_LENGTH = 32;
  private static final int ED25519_SIGNATURE_LENGTH = 64;

  private final CredentialDirectory directory;
  private final Clock clock;

  public StandardWebhooksVerifier(CredentialDirectory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.STANDARD_WEBHOOKS;
  }

  /** One entry of {@code webhook-signature} that could verify. */
  private record Candidate(boolean asymmetric, byte[] signature) {}

  @Override
  public Verification verify(ToolCall call, Route route) {
    String[] values = new String[3];
    String[] names = {ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER};
    for (int i = 0; i < names.length; i++) {
      HeaderValue sent = HeaderValue.single(call.headers(), names[i]);
      switch (sent.problem()) {
        case MISSING -> { return Verification.fail(DenialCode.SIGNATURE_MISSING, "no " + names[i] + " header (Standard Webhooks needs "
            + ID_HEADER + ", " + TIMESTAMP_HEADER + " and " + SIGNATURE_HEADER + ")"); }
        case REPEATED -> { return Verification.fail(DenialCode.SIGNATURE_INVALID, names[i] + " header sent more than once"); }
        case NONE -> values[i] = sent.value();
      }
    }
    String id = values[0];
    String idProblem = idProblem(id);
    if (idProblem != null) {
      return Verification.fail(DenialCode.SIGNATURE_INVALID, ID_HEADER + " " + idProblem);
    }
    SignedTimestamp timestamp = SignedTimestamp.parse(values[1]);
    if (timestamp == null) {
      return Verification.fail(DenialCode.SIGNATURE_INVALID, TIMESTAMP_HEADER + " is not a unix time in whole seconds (1 to 18 digits)");
    }

    String[] entries = values[2].split(" ");
    List<Candidate> candidates = new ArrayList<>(2);
    int listed = 0;
    int malformed = 0;
    for (String entry : entries) {
      if (entry.isEmpty()) {
        continue; // several spaces in a row
      }
      if (++listed > MAX_SIGNATURES) {
        return Verification.fail(DenialCode.SIGNATURE_INVALID, SIGNATURE_HEADER + " lists more than " + MAX_SIGNATURES + " signatures");
      }
      int comma = entry.indexOf(',');
      String version = comma < 0 ? entry : entry.substring(0, comma);
      boolean asymmetric;
      if (version.equals("v1")) {
        asymmetric = false;
      } else if (version.equals("v1a")) {
        asymmetric = true;
      } else {
        continue; // an unknown version: ignored, as the spec's libraries do
      }
      byte[] signature = comma < 0 ? null : decodeBase64(entry.substring(comma + 1));
      if (signature == null || signature.length != (asymmetric ? ED25519_SIGNATURE_LENGTH : HMAC_LENGTH)) {
        malformed++;
        continue;
      }
      candidates.add(new Candidate(asymmetric, signature));
    }
    if (candidates.isEmpty()) {
      return Verification.fail(DenialCode.SIGNATURE_INVALID, SIGNATURE_HEADER + " holds no usable v1 or v1a signature ("
          + listed + " listed, " + malformed + " malformed, the rest of unknown versions)");
    }
    if (call.body() == null) {
      throw new IllegalStateException("signature check needs the buffered body; the server must buffer it for this tool");
    }

    Instant now = clock.instant();
    byte[] content = signedContent(id, timestamp.text(), call.body());
    int hmacKeys = 0;
    int publicKeys = 0;
    List<String> unusable = new ArrayList<>(0);
    SigningSecret matched = null;
    String matchedVersion = null;
    for (SigningSecret secret : directory.signingSecrets(route.tool().platform())) {
      if (!secret.activeAt(now)) {
        continue;
      }
      StandardWebhooksKey key = StandardWebhooksKey.of(secret);
      switch (key.kind()) {
        case OTHER -> { continue; }
        case INVALID -> {
          unusable.add(secret.id() + " " + key.problem());
          continue;
        }
        case HMAC -> hmacKeys++;
        case ED25519 -> publicKeys++;
      }
      String version = matches(key, content, candidates);
      if (version != null) {
        matched = secret;
        matchedVersion = version;
        break;
      }
    }
    if (matched == null) {
      String skipped = unusable.isEmpty() ? "" : "; skipped: " + String.join("; ", unusable);
      if (hmacKeys + publicKeys == 0) {
        return UnreadableSecrets.orInvalid(directory, route, Verification.fail(DenialCode.SIGNATURE_INVALID, "no active Standard Webhooks secret ("
            + StandardWebhooksKey.SECRET_PREFIX + " or " + StandardWebhooksKey.PUBLIC_KEY_PREFIX + ") is registered for this tool's platform" + skipped));
      }
      return UnreadableSecrets.orInvalid(directory, route, Verification.fail(DenialCode.SIGNATURE_INVALID, "none of the " + candidates.size()
          + " signature(s) matches the " + hmacKeys + " active " + StandardWebhooksKey.SECRET_PREFIX + " secret(s) and " + publicKeys + " "
          + StandardWebhooksKey.PUBLIC_KEY_PREFIX + " public key(s) over id, timestamp and the " + call.body().length + "-byte body" + skipped));
    }

    Duration tolerance = route.platform().replayTolerance();
    String by = matchedVersion + " signature matches signing secret " + matched.id();
    if (!timestamp.within(now, tolerance)) {
      return Verification.fail(DenialCode.TIMESTAMP_OUT_OF_WINDOW, matched.id(), TIMESTAMP_HEADER + " " + timestamp.text() + " is "
          + timestamp.describeAge(now) + "; replay_tolerance is " + tolerance.getSeconds() + " s (" + by + ")");
    }
    Instant until = timestamp.rememberUntil(tolerance);
    OneTimeUse once = new OneTimeUse(
        ReplayGuard.key(kind(), matched.clientId(), ReplayGuard.digest(id)), until, matched.id(),
        ID_HEADER + " " + id + " was already accepted for client " + matched.clientId() + " within replay_tolerance (" + by + ")");
    return Verification.pass(matched.clientId(), matched.id(), by + "; " + ID_HEADER + " " + id + " is used up if the call is allowed (remembered until "
        + until + ")").usingUp(once);
  }

  @Override
  public String challenge(Route route, Verification failure) {
    return "StandardWebhooks realm=\"toolgate\", header=\"" + SIGNATURE_HEADER + "\"";
  }

  /** {@code id + "." + timestamp + "." + body}, id and timestamp in ASCII (both were checked to be ASCII). */
  static byte[] signedContent(String id, String timestamp, byte[] body) {
    byte[] head = (id + "." + timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  /** The version that verified under {@code key} ("v1" or "v1a"), or null. */
  private static String matches(StandardWebhooksKey key, byte[] content, List<Candidate> candidates) {
    if (key.kind() == StandardWebhooksKey.Kind.HMAC) {
      byte[] expected = SendbirdSignatureVerifier.hmac(key.key(), content);
      for (Candidate c : candidates) {
        if (!c.asymmetric() && MessageDigest.isEqual(expected, c.signature())) {
          return "v1";
        }
      }
      return null;
    }
    Ed25519Verify verifier = new Ed25519Verify(key.key());
    for (Candidate c : candidates) {
      if (c.asymmetric() && ed25519Verifies(verifier, c.signature(), content)) {
        return "v1a";
      }
    }
    return null;
  }

  static boolean ed25519Verifies(Ed25519Verify verifier, byte[] signature, byte[] content) {
    try {
      verifier.verify(signature, content);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a malformed point or signature is a failed verification, never an error
    }
  }

  /**
   * Null when the id may be used, else what is wrong. Visible ASCII only, and no '.': the spec warns
   * that a '.' in the id would let the same signed bytes be split into another id, timestamp and body.
   */
  static String idProblem(String id) {
    if (id.length() > MAX_ID_LENGTH) {
      return "is longer than " + MAX_ID_LENGTH + " characters";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '.') {
        return "contains '.', which would make the signed content id.timestamp.body ambiguous";
      }
      if (c < 0x21 || c > 0x7e) {
        return "must be visible ASCII characters only";
      }
    }
    return null;
  }

  /** Standard base64 with its padding, as the reference libraries write it; null when anything else. */
  private static byte[] decodeBase64(String text) {
    if (text.isEmpty() || text.length() % 4 != 0) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
