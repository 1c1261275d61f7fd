package dev.toolgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpConstants;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the decoding of {@code application/x-www-form-urlencoded} bodies that {@code /oauth/*} and
 * {@code /auth/*} read ({@link FormRequest}, {@code CustomerLoginEndpoint}). The decoding itself is
 * Vert.x's: {@code formAttributes()} come from Netty's {@link HttpPostRequestDecoder} with Vert.x's
 * default limits, reproduced in {@link #decode}. Whatever the body, it yields the parameters or
 * fails with the decoder's documented exceptions, nothing else; and what it yields is what a plain
 * WHATWG form decoder reads from the same bytes (a client and Toolgate read the same client_id),
 * once names are cleaned as Netty cleans every name ({@link #nettyName}). That comparison is made
 * for bodies a form encoder can produce, printable ASCII: Netty ends the form at a raw line break in
 * a value, fails on a lone CR, and decodes raw non-ASCII bytes apart from the escapes next to them;
 * a strict decoder should refuse such bodies.
 * To fuzz another decoder, change {@link #decode} and {@link #isDecodeError} only.
 *
 * <p>Input layout: the body; if its first byte is a control character (below 0x20), that byte
 * sets the size of the chunks the body arrives in (1 to 32 bytes) and is not part of the body.
 */
class FormBodyFuzzTest {

  @FuzzTest
  void decodeForm(byte[] input) {
    int chunk = input.length > 0 && input[0] < 0x20 && input[0] >= 0 ? input[0] + 1 : Integer.MAX_VALUE;
    byte[] body = chunk == Integer.MAX_VALUE ? input : java.util.Arrays.copyOfRange(input, 1, input.length);
    Map<String, List<String>> decoded;
    try {
      decoded = decode(body, chunk);
    } catch (RuntimeException e) {
      assertThat(isDecodeError(e)).as("%s is not a documented decoding failure", e).isTrue();
      return;
    }
    Map<String, List<String>> expected = whatwgDecode(body);
    if (expected != null && printableAscii(body)) {
      assertThat(decoded).as("decoded %s", new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }
  }

  /** The body's parameters as {@code HttpServerRequest.formAttributes()} gets them from Vert.x 5's HTTP/1 server. */
  static Map<String, List<String>> decode(byte[] body, int chunk) {
    DefaultHttpDataFactory factory = new DefaultHttpDataFactory(false);
    factory.setMaxLimit(HttpServerOptions.DEFAULT_MAX_FORM_ATTRIBUTE_SIZE);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/oauth/token");
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
    HttpPostRequestDecoder decoder = new HttpPostRequestDecoder(factory, request, HttpConstants.DEFAULT_CHARSET,
        HttpServerOptions.DEFAULT_MAX_FORM_FIELDS, HttpServerOptions.DEFAULT_MAX_FORM_BUFFERED_SIZE);
    Map<String, List<String>> form = new LinkedHashMap<>();
    try {
      for (int from = 0; from < body.length; from += chunk) {
        int to = (int) Math.min(body.length, (long) from + chunk);
        decoder.offer(new DefaultHttpContent(Unpooled.wrappedBuffer(body, from, to - from)));
      }
      decoder.offer(LastHttpContent.EMPTY_LAST_CONTENT);
      while (decoder.hasNext()) {
        InterfaceHttpData data = decoder.next();
        if (data instanceof Attribute attribute) {
          try {
            form.computeIfAbsent(attribute.getName(), k -> new ArrayList<>()).add(attribute.getValue());
          } catch (IOException e) {
            throw new HttpPostRequestDecoder.ErrorDataDecoderException(e);
          }
        }
      }
    } catch (HttpPostRequestDecoder.EndOfDataDecoderException e) {
      // hasNext() says "no more data" this way; Vert.x ends the form there, keeping what it has
    } finally {
      decoder.destroy();
    }
    return form;
  }

  private static boolean printableAscii(byte[] body) {
    for (byte b : body) {
      if (b < 0x20 || b > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** What Vert.x catches from the decoder and turns into a failed request. */
  static boolean isDecodeError(RuntimeException e) {
    return e instanceof HttpPostRequestDecoder.ErrorDataDecoderException
        || e instanceof HttpPostRequestDecoder.TooLongFormFieldException
        || e instanceof HttpPostRequestDecoder.TooManyFormFieldsException;
  }

  /**
   * The WHATWG application/x-www-form-urlencoded parser, strict about escapes: pairs split at '&',
   * empty ones skipped, name and value at the first '=', '+' is a space, %XX a byte, then UTF-8.
   * Null when an escape or the UTF-8 is malformed: decoders differ in how many U+FFFD they put for
   * bad bytes, so there is no common reading to compare with.
   */
  static Map<String, List<String>> whatwgDecode(byte[] body) {
    Map<String, List<String>> form = new LinkedHashMap<>();
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
        form.computeIfAbsent(nettyName(name), k -> new ArrayList<>()).add(value);
      }
      start = i + 1;
    }
    return form;
  }

  /**
   * A decoded name as Netty keeps it (AbstractHttpData.cleanName in io.netty.handler.codec.http.multipart):
   * whitespace ({@link Character#isWhitespace}) trimmed at both ends, then LF dropped and CR and TAB
   * turned into spaces. A name left empty is an error.
   */
  static String nettyName(String name) {
    int start = 0;
    int end = name.length();
    while (start < end && Character.isWhitespace(name.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(name.charAt(end - 1))) {
      end--;
    }
    StringBuilder cleaned = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = name.charAt(i);
      if (c != '\n') {
        cleaned.append(c == '\r' || c == '\t' ? ' ' : c);
      }
    }
    return cleaned.toString();
  }

  private static String percentDecode(byte[] body, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b == '+') {
        out.write(' ');
      } else if (b == '%') {
        if (i + 2 >= to || Character.digit(body[i + 1], 16) < 0 || Character.digit(body[i + 2], 16) < 0) {
          return null;
        }
        out.write(Character.digit(body[i + 1], 16) * 16 + Character.digit(body[i + 2], 16));
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
}
