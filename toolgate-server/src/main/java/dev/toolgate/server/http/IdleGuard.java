package dev.toolgate.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * Keeps a connection's idle timeout from closing it while an answer that may rightly be quiet for
 * long is in flight: an MCP tool call that runs for minutes before it answers, an event stream
 * without events. The idle timeout is for connections nobody uses; such a call is using it. Sits
 * right after Vert.x's {@code idle} handler and drops its idle events while a call holds the
 * connection open. (HTTP/1.1 only: HTTP/2 connections carry other streams that keep them busy.)
 */
final class IdleGuard extends ChannelInboundHandlerAdapter {
  private static final String VERTX_IDLE_HANDLER = "idle";

  private int holds;

  /** Adds the guard to a new connection (a server's connection handler); nothing when there is no idle timeout. */
  static void install(HttpConnection connection) {
    if (connection.protocolVersion() == HttpVersion.HTTP_2 || !(connection instanceof HttpServerConnection internal)) {
      return;
    }
    ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
    if (pipeline.get(VERTX_IDLE_HANDLER) != null) {
      pipeline.addAfter(VERTX_IDLE_HANDLER, "toolgateIdleGuard", new IdleGuard());
    }
  }

  /** Holds {@code req}'s connection open until its response ends (a closed connection takes the guard with it). */
  static void holdOpen(HttpServerRequest req) {
    if (!(req.connection() instanceof HttpServerConnection internal)) {
      return;
    }
    IdleGuard guard = internal.channelHandlerContext().pipeline().get(IdleGuard.class);
    if (guard == null) {
      return;
    }
    guard.holds++;
    req.response().endHandler(v -> guard.holds--);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent && holds > 0) {
      return; // a call is using the connection, however quietly
    }
    super.userEventTriggered(ctx, evt);
  }
}
