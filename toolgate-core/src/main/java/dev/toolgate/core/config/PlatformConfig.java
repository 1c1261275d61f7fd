package dev.toolgate.core.config;

/**
 * An AI-agent platform that calls tools (Sendbird, ASAPP, ...). Clients belong to a platform.
 *
 * @param name platform id used by tools and clients
 * @param signatureHeader header carrying the request signature (default {@code x-sendbird-signature})
 * @param signatureEncoding how the signature is written in that header
 * @param apiKeyHeader header carrying API keys (default {@code api-key}), matched case-insensitively
 */
public record PlatformConfig(String name, String signatureHeader, SignatureEncoding signatureEncoding, String apiKeyHeader) {
  public static final String DEFAULT_SIGNATURE_HEADER = "x-sendbird-signature";
  public static final String DEFAULT_API_KEY_HEADER = "api-key";

  public static PlatformConfig withDefaults(String name) {
    return new PlatformConfig(name, DEFAULT_SIGNATURE_HEADER, SignatureEncoding.HEX_LOWER, DEFAULT_API_KEY_HEADER);
  }
}
