package dev.toolgate.server.admin;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditQuery;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/audit/export}: every decision matching the filters, newest first, as JSON lines
 * ({@code application/x-ndjson}, one {@link AdminResources#decision} per line).
 *
 * <p>Read in keyset pages of {@value #PAGE} on a worker thread, each written only once the
 * connection has taken the one before ({@code drainHandler}), so memory holds about one page
 * whatever the size of the log, and a slow reader slows the reads rather than filling the heap.
 * The first page is read before anything is sent, so a store that does not answer is a 503
 * problem; a failure after the head has gone out cuts the connection without the final chunk, so
 * the client sees a truncated transfer instead of a short file that looks complete.
 */
final class AuditExport {
  static final int PAGE = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(AuditExport.class);

  /** One page: its JSON lines, how many, and where the next one starts. */
  private record Chunk(Buffer lines, int count, AuditQuery.Position last) {}

  private final AuditLog audit;

  AuditExport(AuditLog audit) {
    this.audit = audit;
  }

  void handle(RoutingContext ctx) {
    AdminProblems.requestId(ctx);
    AuditQuery query;
    try {
      query = AuditFilters.export(ctx.request().query()).withLimit(PAGE);
    } catch (IllegalArgumentException e) {
      AdminProblems.fail(ctx, e);
      return;
    }
    read(ctx, query).onComplete(first -> {
      if (first.failed()) {
        AdminProblems.fail(ctx, first.cause());
        return;
      }
      ctx.response().setStatusCode(200).setChunked(true)
          .putHeader("content-type", "application/x-ndjson")
          .putHeader("content-disposition", "attachment; filename=\"toolgate-audit.ndjson\"")
          .putHeader("cache-control", "no-store");
      write(ctx, query, first.result());
    });
  }

  private void write(RoutingContext ctx, AuditQuery query, Chunk chunk) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      return; // the client went away: stop reading
    }
    if (chunk.count() < PAGE) {
      response.end(chunk.lines());
      return;
    }
    response.write(chunk.lines());
    AuditQuery next = query.withAfter(chunk.last());
    if (response.writeQueueFull()) {
      response.drainHandler(v -> {
        response.drainHandler(null);
        readAndWrite(ctx, next);
      });
    } else {
      readAndWrite(ctx, next);
    }
  }

  private void readAndWrite(RoutingContext ctx, AuditQuery query) {
    read(ctx, query).onComplete(page -> {
      if (page.failed()) {
        LOG.warn("audit export (request {}) cut short: {}", AdminProblems.requestId(ctx), page.cause().getMessage());
        ctx.response().reset();
        return;
      }
      write(ctx, query, page.result());
    });
  }

  private Future<Chunk> read(RoutingContext ctx, AuditQuery query) {
    return ctx.vertx().executeBlocking(() -> {
      List<AuditEvent> events = audit.query(query);
      Buffer lines = Buffer.buffer(events.size() * 512);
      for (AuditEvent e : events) {
        lines.appendBuffer(AdminResources.decision(e).toBuffer()).appendByte((byte) '\n');
      }
      return new Chunk(lines, events.size(), events.isEmpty() ? null : AuditQuery.Position.of(events.get(events.size() - 1)));
    }, false);
  }
}
