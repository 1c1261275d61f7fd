package dev.toolgate.server.http;

import dev.toolgate.core.decision.DenialCode;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * Requests the HTTP/1.1 codec cannot parse: ambiguous framing (two Content-Lengths, Content-Length
 * with Transfer-Encoding), bare CR or LF line ends, a header line without a colon or with a space
 * before it, a broken request line. Each is answered 400 {@code bad_request} as problem+json, like
 * every other refusal, instead of Vert.x's empty 400, and the connection is closed: nothing after
 * such bytes can be framed with confidence. Over-long request lines and header sections keep
 * Vert.x's 414 and 431.
 */
final class MalformedRequests {
  private MalformedRequests() {}

  static void answer(HttpServerRequest req) {
    if (ClosingConnections.isClosing(req.connection())) {
      // Bytes behind an answer that closes this connection (the body of a refused call, perhaps a
      // smuggled request): never processed, nor answered (RFC 9112 §9.6), however malformed.
      return;
    }
    Throwable cause = req.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException || cause instanceof TooLongHttpHeaderException) {
      HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(req);
      return;
    }
    ClosingConnections.closeAfterAnswer(req);
    // The codec's own message may quote the request; the detail stays generic.
    Problem.send(req.response(), DenialCode.BAD_REQUEST, "the request is not well-formed HTTP/1.1 (RFC 9112); refused before routing",
        RequestIds.next(), null, List.of());
  }
}
