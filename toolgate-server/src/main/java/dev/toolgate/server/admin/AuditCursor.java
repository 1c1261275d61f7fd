package dev.toolgate.server.admin;

import dev.toolgate.server.store.AuditQuery.Position;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code cursor} of the audit log's pages: base64url (no padding) of {@code 1:<epoch
 * millis>:<request id>}, the position of the last decision of the previous page. Opaque to
 * clients. It carries no authority (anyone who may read the log may read from any position), so it
 * is not signed; a cursor that does not decode to a position is refused with 400.
 */
final class AuditCursor {
  private static final String VERSION = "1:";
  /** Request ids are Toolgate's own (about 30 characters): anything much longer was not issued here. */
  static final int MAX_CHARS = 512;

  private AuditCursor() {}

  static String encode(Position position) {
    String text = VERSION + position.occurredAtMillis() + ":" + position.requestId();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException naming {@code cursor} if it is not one this API issued */
  static Position decode(String cursor) {
    if (cursor.length() > MAX_CHARS || !cursor.matches("[A-Za-z0-9_-]+")) {
      throw invalid();
    }
    String text;
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(cursor);
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw invalid();
    }
    if (!text.startsWith(VERSION)) {
      throw invalid();
    }
    int colon = text.indexOf(':', VERSION.length());
    if (colon < 0) {
      throw invalid();
    }
    String millis = text.substring(VERSION.length(), colon);
    String requestId = text.substring(colon + 1);
    if (!millis.matches("[0-9]{1,18}") || requestId.isEmpty()) {
      throw invalid();
    }
    return new Position(Long.parseLong(millis), requestId);
  }

  private static IllegalArgumentException invalid() {
    return new IllegalArgumentException("cursor is not a cursor this API returned (pass next_cursor unchanged)");
  }
}
