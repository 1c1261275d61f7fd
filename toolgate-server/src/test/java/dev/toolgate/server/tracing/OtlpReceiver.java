package dev.toolgate.server.tracing;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An OTLP/HTTP trace receiver on loopback, as an OpenTelemetry Collector would be: it takes
 * {@code POST /v1/traces} in protobuf, decodes it with the OTLP classes, and keeps every span with its resource.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** A span as received, with the resource it was sent under. */
  public record Received(Resource resource, Span span) {
    public String name() {
      return span.getName();
    }

    public String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    public String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    public String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    /** A string or integer attribute's value as text; null when absent. */
    public String attribute(String key) {
      return value(span.getAttributesList(), key);
    }

    public String resourceAttribute(String key) {
      return value(resource.getAttributesList(), key);
    }

    private static String value(List<KeyValue> attributes, String key) {
      for (KeyValue kv : attributes) {
        if (kv.getKey().equals(key)) {
          return kv.getValue().hasIntValue() ? Long.toString(kv.getValue().getIntValue()) : kv.getValue().getStringValue();
        }
      }
      return null;
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** The Content-Type of every export request. */
  public final List<String> contentTypes = new CopyOnWriteArrayList<>();

  public OtlpReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!req.path().equals("/v1/traces") || !"POST".equals(req.method().name())) {
        req.response().setStatusCode(404).end();
        return;
      }
      contentTypes.add(req.getHeader("content-type"));
      try {
        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(body.getBytes()).getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span span : ss.getSpansList()) {
              received.add(new Received(rs.getResource(), span));
            }
          }
        }
        req.response().putHeader("content-type", "application/x-protobuf")
            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
      } catch (InvalidProtocolBufferException e) {
        req.response().setStatusCode(400).end();
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The base URL, as {@code tracing.endpoint} or {@code OTEL_EXPORTER_OTLP_ENDPOINT} take it. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public List<Received> spans() {
    return new ArrayList<>(received);
  }

  /** Waits until at least {@code count} spans have arrived (at most {@code within}), and returns them all. */
  public List<Received> awaitSpans(int count, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return spans();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
