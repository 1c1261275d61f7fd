package dev.toolgate.core.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes the decoding of {@code application/x-www-form-urlencoded} bodies that {@code /oauth/*} and
 * {@code /auth/*} read ({@link FormBody}). Whatever the bytes, it never throws, and it reads exactly
 * what an independent strict WHATWG decoder reads (pairs split at '&amp;', empty ones skipped, name
 * and value at the first '=', '+' a space, %XX a byte, then UTF-8): the same pairs in the same
 * order, and a refusal exactly where that decoder finds a broken escape or bytes that are not UTF-8.
 * So a client and Toolgate always read the same client_id, and nothing is decoded leniently.
 */
class FormBodyFuzzTest {

  @FuzzTest
  void decodeForm(byte[] body) {
    Optional<FormBody> form = FormBody.parse(body);
    List<FormBody.Param> expected = whatwgDecode(body);
    if (expected == null) {
      assertThat(form).as("refused: %s", new String(body, StandardCharsets.ISO_8859_1)).isEmpty();
    } else {
      assertThat(form).as("decoded: %s", new String(body, StandardCharsets.ISO_8859_1)).isPresent();
      assertThat(form.get().params()).isEqualTo(expected);
    }
  }

  /** The strict WHATWG reading; null when an escape or the UTF-8 is malformed. */
  static List<FormBody.Param> whatwgDecode(byte[] body) {
    List<FormBody.Param> form = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i < body.length && body[i] != '&') {
        continue;
      }
      if (i > start) {
        int eq = start;
        while (eq < i && body[eq] != '=') {
          eq++;
        }
        String name = percentDecode(body, start, eq);
        String value = eq < i ? percentDecode(body, eq + 1, i) : "";
        if (name == null || value == null) {
          return null;
        }
        form.add(new FormBody.Param(name, value));
      }
      start = i + 1;
    }
    return form;
  }

  private static String percentDecode(byte[] body, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b == '+') {
        out.write(' ');
      } else if (b == '%') {
        if (i + 2 >= to || hex(body[i + 1]) < 0 || hex(body[i + 2]) < 0) {
          return null;
        }
        out.write(hex(body[i + 1]) * 16 + hex(body[i + 2]));
        i += 2;
      } else {
        out.write(b);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static int hex(byte b) {
    return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
  }
}
