package dev.toolgate.core.config;

/** How a platform writes an HMAC in its signature header. */
public enum SignatureEncoding {
  /** Lowercase hex only, as Sendbird sends it; upper-case hex is refused. */
  HEX_LOWER,
  /** Hex in either case. */
  HEX,
  /** Standard base64 with padding. */
  BASE64;

  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
