package dev.toolgate.core.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses malformed input instead of replacing it with U+FFFD: replacement
 * characters make different byte strings the same text, and a lenient decoder elsewhere (an
 * upstream, a proxy) reads an overlong sequence as the character it spells where Java reads none.
 */
public final class StrictUtf8 {
  private StrictUtf8() {}

  /** The text, or null when the bytes are not well-formed UTF-8 (RFC 3629). */
  public static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
