package dev.toolgate.core.config;

import dev.toolgate.core.net.CidrSet;
import java.time.Duration;
import java.util.Objects;

/**
 * An AI-agent platform that calls tools (Sendbird, ASAPP, ...). Clients belong to a platform.
 *
 * @param name platform id used by tools and clients
 * @param signatureHeader header carrying the request signature (default {@code x-sendbird-signature})
 * @param signatureEncoding how the signature is written in that header
 * @param apiKeyHeader header carrying API keys (default {@code api-key}), matched case-insensitively
 * @param replayTolerance how far a signed timestamp ({@code standard_webhooks}, {@code stripe_signature})
 *     may lie in the past or the future (default 5 minutes); each message is remembered this long
 * @param sendbirdReplayWindow when set, the same body from the same client passes {@code sendbird_signature}
 *     once within this window; null (the default) when off
 * @param stripeSignatureHeader header carrying a Stripe-style signature (default {@code stripe-signature})
 * @param allowedIps when set, calls to this platform's tools must come from these networks; null: any address
 * @param clientCertificates the CA of this platform's client certificates ({@code mtls}); null: none
 */
public record PlatformConfig(String name, String signatureHeader, SignatureEncoding signatureEncoding, String apiKeyHeader,
    Duration replayTolerance, Duration sendbirdReplayWindow, String stripeSignatureHeader, CidrSet allowedIps,
    ClientCertificates clientCertificates) {
  public static final String DEFAULT_SIGNATURE_HEADER = "x-sendbird-signature";
  public static final String DEFAULT_API_KEY_HEADER = "api-key";
  public static final String DEFAULT_STRIPE_SIGNATURE_HEADER = "stripe-signature";
  public static final Duration DEFAULT_REPLAY_TOLERANCE = Duration.ofMinutes(5);
  /** Upper bound of {@code replay_tolerance} and {@code sendbird_replay_window}: every accepted message is remembered that long. */
  public static final Duration MAX_REPLAY_WINDOW = Duration.ofHours(1);

  public PlatformConfig {
    Objects.requireNonNull(stripeSignatureHeader, "stripeSignatureHeader");
    if (replayTolerance == null || replayTolerance.compareTo(Duration.ofSeconds(1)) < 0 || replayTolerance.compareTo(MAX_REPLAY_WINDOW) > 0) {
      throw new IllegalArgumentException("replayTolerance must be from 1 s to " + MAX_REPLAY_WINDOW + ", got " + replayTolerance);
    }
    if (sendbirdReplayWindow != null
        && (sendbirdReplayWindow.compareTo(Duration.ofSeconds(1)) < 0 || sendbirdReplayWindow.compareTo(MAX_REPLAY_WINDOW) > 0)) {
      throw new IllegalArgumentException("sendbirdReplayWindow must be null (off) or from 1 s to " + MAX_REPLAY_WINDOW + ", got " + sendbirdReplayWindow);
    }
  }

  /** Without client certificates. */
  public PlatformConfig(String name, String signatureHeader, SignatureEncoding signatureEncoding, String apiKeyHeader,
      Duration replayTolerance, Duration sendbirdReplayWindow, String stripeSignatureHeader, CidrSet allowedIps) {
    this(name, signatureHeader, signatureEncoding, apiKeyHeader, replayTolerance, sendbirdReplayWindow, stripeSignatureHeader, allowedIps, null);
  }

  /** Without an IP allowlist. */
  public PlatformConfig(String name, String signatureHeader, SignatureEncoding signatureEncoding, String apiKeyHeader,
      Duration replayTolerance, Duration sendbirdReplayWindow, String stripeSignatureHeader) {
    this(name, signatureHeader, signatureEncoding, apiKeyHeader, replayTolerance, sendbirdReplayWindow, stripeSignatureHeader, null);
  }

  /** A platform with the replay settings at their defaults (tolerance 5 minutes, no Sendbird window). */
  public PlatformConfig(String name, String signatureHeader, SignatureEncoding signatureEncoding, String apiKeyHeader) {
    this(name, signatureHeader, signatureEncoding, apiKeyHeader, DEFAULT_REPLAY_TOLERANCE, null, DEFAULT_STRIPE_SIGNATURE_HEADER);
  }

  public static PlatformConfig withDefaults(String name) {
    return new PlatformConfig(name, DEFAULT_SIGNATURE_HEADER, SignatureEncoding.HEX_LOWER, DEFAULT_API_KEY_HEADER);
  }

  /** This platform with another replay tolerance and Sendbird body window (null: off). */
  public PlatformConfig withReplay(Duration tolerance, Duration sendbirdWindow) {
    return new PlatformConfig(name, signatureHeader, signatureEncoding, apiKeyHeader, tolerance, sendbirdWindow, stripeSignatureHeader, allowedIps,
        clientCertificates);
  }

  /** This platform with the CA of its client certificates (null: none). */
  public PlatformConfig withClientCertificates(ClientCertificates certificates) {
    return new PlatformConfig(name, signatureHeader, signatureEncoding, apiKeyHeader, replayTolerance, sendbirdReplayWindow, stripeSignatureHeader,
        allowedIps, certificates);
  }
}
