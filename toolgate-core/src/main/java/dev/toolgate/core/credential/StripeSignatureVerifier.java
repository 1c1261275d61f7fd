package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Stripe-style signature in the platform's {@code stripe_signature_header} (default
 * {@code stripe-signature}): {@code t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=...]}, over
 * {@code t + "." + raw body}. Several {@code v1} are allowed (Stripe sends one per active secret
 * during a rotation); other schemes ({@code v0}, ...) are ignored. The HMAC key is the stored secret's
 * bytes as given, {@code whsec_} prefix included, as Stripe's libraries use it. Then {@code t} must lie
 * within the platform's {@code replay_tolerance} of now, and the same message (client, {@code t},
 * body) is accepted once.
 *
 * <p>The replay key is the body digest, not the signature: during a rotation a message carries one
 * signature per secret, and a replay keeping only the other one must still be recognised.
 */
public final class StripeSignatureVerifier implements CredentialVerifier {
  /** Stripe sends one v1 per active secret; more are refused. */
  static final int MAX_SIGNATURES = 8;
  /** A header with more items than this is not a Stripe signature. */
  static final int MAX_ITEMS = 32;
  private static final int HMAC_LENGTH = 32;

  private final CredentialDirectory directory;
  private final Clock clock;

  public StripeSignatureVerifier(CredentialDirectory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.STRIPE_SIGNATURE;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    String header = route.platform().stripeSignatureHeader();
    HeaderValue sent = HeaderValue.single(call.headers(), header);
    switch (sent.problem()) {
      case MISSING -> { return Verification.fail(DenialCode.SIGNATURE_MISSING, "no " + header + " header"); }
      case REPEATED -> { return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " header sent more than once"); }
      case NONE -> { }
    }
    String[] items = sent.value().split(",", -1);
    if (items.length > MAX_ITEMS) {
      return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " has more than " + MAX_ITEMS + " items");
    }
    SignedTimestamp timestamp = null;
    List<byte[]> signatures = new ArrayList<>(2);
    int malformed = 0;
    for (String raw : items) {
      String item = raw.strip();
      int eq = item.indexOf('=');
      if (eq < 0) {
        continue; // not key=value: ignored, as Stripe's libraries do
      }
      String name = item.substring(0, eq);
      String value = item.substring(eq + 1);
      if (name.equals("t")) {
        if (timestamp != null) {
          return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " gives t= more than once");
        }
        timestamp = SignedTimestamp.parse(value);
        if (timestamp == null) {
          return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " t= is not a unix time in whole seconds (1 to 18 digits)");
        }
      } else if (name.equals("v1")) {
        if (signatures.size() + malformed >= MAX_SIGNATURES) {
          return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " lists more than " + MAX_SIGNATURES + " v1 signatures");
        }
        byte[] signature = decodeHex(value);
        if (signature == null) {
          malformed++;
        } else {
          signatures.add(signature);
        }
      }
      // any other scheme (v0, ...): ignored
    }
    if (timestamp == null) {
      return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " has no t=<unix seconds>");
    }
    if (signatures.isEmpty()) {
      return Verification.fail(DenialCode.SIGNATURE_INVALID, header + " has no usable v1=<64 hex characters> signature ("
          + malformed + " malformed)");
    }
    if (call.body() == null) {
      throw new IllegalStateException("signature check needs the buffered body; the server must buffer it for this tool");
    }

    Instant now = clock.instant();
    byte[] content = signedContent(timestamp.text(), call.body());
    int active = 0;
    SigningSecret matched = null;
    for (SigningSecret secret : directory.signingSecrets(route.tool().platform())) {
      if (!secret.activeAt(now) || StandardWebhooksKey.isPublicKey(secret)) {
        continue; // a whpk_ public key is known to anyone: never an HMAC key
      }
      active++;
      byte[] expected = SendbirdSignatureVerifier.hmac(secret.key(), content);
      for (byte[] signature : signatures) {
        if (MessageDigest.isEqual(expected, signature)) {
          matched = secret;
          break;
        }
      }
      if (matched != null) {
        break;
      }
    }
    if (matched == null) {
      return UnreadableSecrets.orInvalid(directory, route, Verification.fail(DenialCode.SIGNATURE_INVALID, active == 0
          ? "no active signing secret is registered for this tool's platform"
          : "none of the " + signatures.size() + " v1 signature(s) matches the " + active + " active signing secret(s) over t and the "
              + call.body().length + "-byte body"));
    }

    Duration tolerance = route.platform().replayTolerance();
    String by = "v1 signature matches signing secret " + matched.id();
    if (!timestamp.within(now, tolerance)) {
      return Verification.fail(DenialCode.TIMESTAMP_OUT_OF_WINDOW, matched.id(), header + " t=" + timestamp.text() + " is "
          + timestamp.describeAge(now) + "; replay_tolerance is " + tolerance.getSeconds() + " s (" + by + ")");
    }
    Instant until = timestamp.rememberUntil(tolerance);
    OneTimeUse once = new OneTimeUse(
        ReplayGuard.key(kind(), matched.clientId(), timestamp.text() + ":" + ReplayGuard.digest(call.body())), until, matched.id(),
        "this message (t=" + timestamp.text() + ", same body) was already accepted for client " + matched.clientId()
            + " within replay_tolerance (" + by + ")");
    return Verification.pass(matched.clientId(), matched.id(), by + "; message t=" + timestamp.text() + " is used up if the call is allowed (remembered until "
        + until + ")").usingUp(once);
  }

  @Override
  public String challenge(Route route, Verification failure) {
    return "StripeSignature realm=\"toolgate\", header=\"" + route.platform().stripeSignatureHeader() + "\"";
  }

  static byte[] signedContent(String timestamp, byte[] body) {
    byte[] head = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  /** 64 hex digits in either case; null when anything else. */
  private static byte[] decodeHex(String text) {
    if (text.length() != HMAC_LENGTH * 2) {
      return null;
    }
    byte[] out = new byte[HMAC_LENGTH];
    for (int i = 0; i < out.length; i++) {
      int hi = hexDigit(text.charAt(2 * i));
      int lo = hexDigit(text.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  /** ASCII hex only ({@link Character#digit} would also take other scripts' digits). */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
}
