package dev.toolgate.server.http;

import dev.toolgate.core.decision.DenialCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off a client that does not finish a request head (request line and headers) in time.
 * Slowloris holds connections by sending a head a byte at a time, and the idle timeout, which every
 * byte resets, never stops it. The deadline runs from the moment a connection opens (for its first
 * request) and from the first byte of each later request on a keep-alive connection, as nginx's
 * {@code client_header_timeout} and Go's {@code ReadHeaderTimeout} do. Between requests, and while a
 * response is still being written, only the idle timeout applies: an idle keep-alive connection is
 * not cut by this deadline. When it passes, the client gets 408 and the connection is closed.
 *
 * <p>Vert.x 5 has no such timeout, so two Netty handlers are added to each new HTTP/1.x connection's
 * pipeline, sharing one state: one before the HTTP decoder sees raw bytes (a head has started), one
 * after it sees decoded messages (a head is complete, a request's body has ended, a response is
 * written). The pipeline is reached through Vert.x's internal {@link HttpServerConnection}; the
 * framing tests fail if a Vert.x upgrade moves it.
 */
final class RequestHeadDeadline {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHeadDeadline.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final Duration timeout;
  private ChannelHandlerContext raw;
  private ScheduledFuture<?> timer;
  /** The last request's head and body have arrived (or none has begun): the next byte starts a head. */
  private boolean betweenRequests = true;
  /** Requests whose response is not completely written yet. */
  private int unanswered;

  private RequestHeadDeadline(Duration timeout) {
    this.timeout = timeout;
  }

  /** Adds the deadline to a new connection (a server's connection handler). */
  static void install(HttpConnection connection, Duration timeout) {
    if (connection.protocolVersion() == HttpVersion.HTTP_2) {
      return; // not served (h2c is off), and its frames have no request head to time
    }
    ChannelPipeline pipeline = connection instanceof HttpServerConnection internal ? internal.channelHandlerContext().pipeline() : null;
    if (pipeline == null || pipeline.get("httpDecoder") == null || pipeline.get("handler") == null) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.error("request head timeout not applied: this Vert.x version's HTTP pipeline is not the expected one");
      }
      return;
    }
    RequestHeadDeadline deadline = new RequestHeadDeadline(timeout);
    pipeline.addBefore("httpDecoder", "toolgateHeadBytes", deadline.new Bytes());
    pipeline.addBefore("handler", "toolgateHeadMessages", deadline.new Messages());
  }

  /** Before the decoder: raw bytes. */
  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      raw = ctx;
      arm(); // the connection has just opened: its first request's head is due from now
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (betweenRequests && unanswered == 0 && timer == null) {
        arm(); // the first byte of a new request head
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancel();
      ctx.fireChannelInactive();
    }
  }

  /** After the decoder: whole request heads and body ends coming in, responses going out. */
  private final class Messages extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        cancel();
        betweenRequests = false;
        unanswered++;
      }
      if (msg instanceof LastHttpContent) {
        betweenRequests = true;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      boolean interim = msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
      if (!interim && msg instanceof LastHttpContent && unanswered > 0) {
        unanswered--;
      }
      ctx.write(msg, promise);
    }
  }

  private void arm() {
    timer = raw.executor().schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Nothing is being written (no request is unanswered), so the 408 goes straight to the socket. */
  private void expire() {
    timer = null;
    if (!raw.channel().isActive()) {
      return;
    }
    DenialCode code = DenialCode.REQUEST_TIMEOUT;
    byte[] body = new JsonObject()
        .put("type", Problem.TYPE_BASE + code.code())
        .put("title", code.title())
        .put("status", code.status())
        .put("code", code.code())
        .put("detail", "the request line and headers did not arrive within " + timeout.toMillis() + " ms")
        .put("request_id", RequestIds.next())
        .toBuffer().getBytes();
    byte[] head = ("HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\ncache-control: no-store\r\n"
        + "connection: close\r\ncontent-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    raw.writeAndFlush(Unpooled.wrappedBuffer(head, body)).addListener(ChannelFutureListener.CLOSE);
  }
}
