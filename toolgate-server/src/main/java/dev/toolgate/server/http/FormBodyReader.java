package dev.toolgate.server.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a form body whole, up to a limit (else {@code ctx.fail(413)}), and decodes nothing: the
 * endpoint decodes it with {@link dev.toolgate.core.request.FormBody}. It replaces vertx-web's
 * BodyHandler on the form endpoints, because that one hands form bodies to Netty's decoder, which
 * logs a stack trace and answers a bare 400 for a broken {@code %}-escape, turns invalid UTF-8 into
 * replacement characters, and leaves the request unanswered when the query string is broken.
 */
public final class FormBodyReader implements Handler<RoutingContext> {
  private static final String KEY = "toolgate.form_body";
  private final int maxBytes;

  public FormBodyReader(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (RequestFraming.declaredLength(req) > maxBytes) {
      tooLarge(ctx);
      return;
    }
    Buffer body = Buffer.buffer();
    if (req.isEnded()) {
      ctx.put(KEY, body);
      ctx.next();
      return;
    }
    boolean[] tooLarge = {false};
    req.handler(chunk -> {
      if (tooLarge[0]) {
        return;
      }
      if (body.length() + chunk.length() > maxBytes) {
        tooLarge[0] = true;
        tooLarge(ctx);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.endHandler(v -> {
      if (!tooLarge[0]) {
        ctx.put(KEY, body);
        ctx.next();
      }
    });
    if ("100-continue".equalsIgnoreCase(req.getHeader("expect"))) {
      req.response().writeContinue();
    }
    req.resume();
  }

  /** The rest of the body is not read: an HTTP/1.x connection closes once the endpoint has answered. */
  private static void tooLarge(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (req.version() != HttpVersion.HTTP_2) {
      ClosingConnections.closeAfter(req);
    }
    ctx.fail(413);
  }

  /** The body {@link FormBodyReader} read for this request; empty when there was none. */
  public static Buffer body(RoutingContext ctx) {
    Buffer body = ctx.get(KEY);
    return body == null ? Buffer.buffer() : body;
  }

}
