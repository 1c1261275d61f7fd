package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.SignatureEncoding;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sendbird's {@code x-sendbird-signature}: HMAC-SHA256 of the exact raw body, keyed by the
 * platform's master API token, hex encoded. Every active secret of the platform's clients is tried,
 * so a rotation can overlap; the one that matched identifies client and secret. A {@code whpk_} value
 * (a Standard Webhooks public key, known to anyone) is never used as an HMAC key.
 *
 * <p>The signature covers the body only, with no timestamp or id, so a captured call verifies again
 * forever. A platform may set {@code sendbird_replay_window}: the same body from the same client is
 * then accepted once within that window (identical legitimate calls within it are refused too).
 */
public final class SendbirdSignatureVerifier implements CredentialVerifier {
  private static final int MAC_LENGTH = 32;
  private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  });

  private final CredentialDirectory directory;
  private final Clock clock;

  public SendbirdSignatureVerifier(CredentialDirectory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.SENDBIRD_SIGNATURE;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    String header = route.platform().signatureHeader();
    HeaderValue sent = HeaderValue.single(call.headers(), header);
    switch (sent.problem()) {
      case MISSING -> { return Verification.fail(DenialCode.SIGNATURE_MISSING, "no " + header + " header"); }
      case REPEATED -> { return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " header sent more than once"); }
      case NONE -> { }
    }
    SignatureEncoding encoding = route.platform().signatureEncoding();
    byte[] provided = decode(sent.value(), encoding);
    if (provided == null) {
      return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " is not " + describe(encoding));
    }
    if (call.body() == null) {
      throw new IllegalStateException("signature check needs the buffered body; the server must buffer it for this tool");
    }
    Instant now = clock.instant();
    List<SigningSecret> secrets = directory.signingSecrets(route.tool().platform());
    int active = 0;
    for (SigningSecret secret : secrets) {
      if (!secret.activeAt(now) || StandardWebhooksKey.isPublicKey(secret)) {
        continue;
      }
      active++;
      if (MessageDigest.isEqual(hmac(secret.key(), call.body()), provided)) {
        return onceWithinWindow(call, route, secret, now);
      }
    }
    return UnreadableSecrets.orInvalid(directory, route, Verification.fail(DenialCode.SIGNATURE_INVALID, active == 0
        ? "no active signing secret is registered for this tool's platform"
        : "signature matches none of the " + active + " active signing secret(s) over the " + call.body().length + "-byte body"));
  }

  /** The pass, unless the platform has a replay window and this body was already accepted from this client within it. */
  private Verification onceWithinWindow(ToolCall call, Route route, SigningSecret secret, Instant now) {
    String by = "signature matches signing secret " + secret.id();
    Duration window = route.platform().sendbirdReplayWindow();
    if (window == null) {
      return Verification.pass(secret.clientId(), secret.id(), by);
    }
    Instant until = now.plus(window);
    OneTimeUse once = new OneTimeUse(
        ReplayGuard.key(kind(), secret.clientId(), ReplayGuard.digest(call.body())), until, secret.id(),
        "the same " + call.body().length + "-byte body was already accepted from client " + secret.clientId()
            + " within sendbird_replay_window (" + window.getSeconds() + " s; " + by + ")");
    return Verification.pass(secret.clientId(), secret.id(), by + "; the body is used up within sendbird_replay_window (until " + until + ") if the call is allowed").usingUp(once);
  }

  @Override
  public String challenge(Route route, Verification failure) {
    return "HMAC-SHA256 realm=\"toolgate\", header=\"" + route.platform().signatureHeader() + "\"";
  }

  /** Whether a stored signing secret can serve as an HMAC key: a Standard Webhooks public key ({@code whpk_}) never does. */
  public static boolean isHmacKey(SigningSecret secret) {
    return !StandardWebhooksKey.isPublicKey(secret);
  }

  /** HMAC-SHA256 of {@code body} under {@code key}; also used by {@code toolgate sign}. */
  public static byte[] hmac(byte[] key, byte[] body) {
    Mac mac = HMAC.get();
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (InvalidKeyException | IllegalArgumentException e) {
      throw new IllegalStateException("empty signing secret", e);
    }
    return mac.doFinal(body);
  }

  static byte[] decode(String text, SignatureEncoding encoding) {
    return switch (encoding) {
      case HEX_LOWER -> decodeHex(text, false);
      case HEX -> decodeHex(text, true);
      case BASE64 -> decodeBase64(text);
    };
  }

  private static byte[] decodeHex(String text, boolean upperAllowed) {
    if (text.length() != MAC_LENGTH * 2) {
      return null;
    }
    byte[] out = new byte[MAC_LENGTH];
    for (int i = 0; i < out.length; i++) {
      int hi = hexDigit(text.charAt(2 * i), upperAllowed);
      int lo = hexDigit(text.charAt(2 * i + 1), upperAllowed);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  private static int hexDigit(char c, boolean upperAllowed) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (upperAllowed && c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  private static byte[] decodeBase64(String text) {
    try {
      byte[] out = Base64.getDecoder().decode(text);
      return out.length == MAC_LENGTH ? out : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String describe(SignatureEncoding encoding) {
    return switch (encoding) {
      case HEX_LOWER -> "64 lowercase hex characters";
      case HEX -> "64 hex characters";
      case BASE64 -> "base64 of 32 bytes";
    };
  }
}
