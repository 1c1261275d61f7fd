package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.config.ServerSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a test call through Toolgate's own gateway for real: HTTP/1.1 to the port this server is
 * bound to, on loopback (or on the one address it listens on), and nowhere else; the host and port
 * come from the configuration, never from the caller. Over {@code server.tls} it trusts exactly the
 * certificate the listener serves. The answer is read up to {@value #MAX_ANSWER_BYTES} bytes; an
 * answer still streaming at the deadline (an MCP event stream) is cut there.
 */
public final class LoopbackSender {
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  /** Beyond the upstream timeout: the gateway answers 504 by then, so this is only a backstop. */
  private static final Duration MARGIN = Duration.ofSeconds(5);
  private static final int MAX_HEADER_BYTES = 128 * 1024;

  private final ServerSettings server;

  /** @param server the settings in force, their port the one bound */
  public LoopbackSender(ServerSettings server) {
    this.server = server;
  }

  /** Where the gateway is reached from inside: loopback when it listens on every address. */
  String host() {
    return switch (server.host()) {
      case "0.0.0.0", "" -> "127.0.0.1";
      case "::", "[::]", "::0" -> "::1";
      default -> server.host();
    };
  }

  /** The gateway's answer, or a failure when it could not be reached or did not answer in time. */
  public Future<LoopbackAnswer> send(Vertx vertx, OutgoingCall call) {
    Duration deadline = server.upstreamTimeout().plus(MARGIN);
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(false)
        .setConnectTimeout((int) MARGIN.toMillis()).setMaxHeaderSize(MAX_HEADER_BYTES).setDecompressionSupported(false);
    if (server.tls() != null) {
      // Its own listener, by address: the served certificate is the trust anchor, and the name it
      // carries (the public one) cannot be the loopback address dialled.
      options.setSsl(true).setVerifyHost(false).setTrustOptions(new PemTrustOptions().addCertPath(server.tls().certificate().path()));
    }
    HttpClient client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1));
    Exchange exchange = new Exchange();
    long timer = vertx.setTimer(deadline.toMillis(), t -> exchange.timedOut(deadline));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.valueOf(call.method())).setHost(host()).setPort(server.port())
        .setURI(call.target());
    client.request(request).compose(req -> {
      exchange.request = req;
      for (TestCallRequest.Header h : call.headers()) {
        req.headers().add(h.name(), h.value());
      }
      byte[] body = call.bodyBytes();
      return body == null ? req.send() : req.send(Buffer.buffer(body));
    }).onComplete(sent -> {
      if (sent.failed()) {
        exchange.fail("Toolgate's own gateway could not be reached on " + host() + ":" + server.port() + ": " + sent.cause().getMessage());
      } else {
        exchange.read(sent.result());
      }
    });
    return exchange.done.future().andThen(x -> {
      vertx.cancelTimer(timer);
      client.close();
    });
  }

  /** One exchange's state; touched on the client's event loop only (the timer runs there too). */
  private static final class Exchange {
    final Promise<LoopbackAnswer> done = Promise.promise();
    HttpClientRequest request;
    HttpClientResponse response;
    final Buffer body = Buffer.buffer();
    boolean truncated;

    void read(HttpClientResponse answer) {
      response = answer;
      answer.handler(chunk -> {
        int room = MAX_ANSWER_BYTES - body.length();
        if (chunk.length() > room) {
          body.appendBuffer(chunk, 0, Math.max(0, room));
          truncated = true;
          finish();
          answer.request().reset(); // the rest is not wanted: stop the gateway sending it
        } else {
          body.appendBuffer(chunk);
        }
      });
      answer.endHandler(v -> finish());
      answer.exceptionHandler(e -> {
        truncated = true; // cut off after the head: show what came
        finish();
      });
    }

    void timedOut(Duration deadline) {
      if (response != null) {
        truncated = true;
        finish();
      } else {
        fail("Toolgate's own gateway did not answer within " + deadline.toSeconds() + " s");
      }
      if (request != null) {
        request.reset();
      }
    }

    void fail(String why) {
      done.tryFail(new SendFailure(why));
    }

    private void finish() {
      if (done.future().isComplete()) {
        return;
      }
      List<TestCallRequest.Header> headers = new ArrayList<>();
      response.headers().forEach(h -> headers.add(new TestCallRequest.Header(h.getKey(), h.getValue())));
      done.tryComplete(new LoopbackAnswer(response.statusCode(), headers, body.toString(java.nio.charset.StandardCharsets.UTF_8), truncated,
          response.getHeader("x-request-id")));
    }
  }

  /** The gateway could not be reached, or did not answer in time: nothing to show but why. */
  public static final class SendFailure extends RuntimeException {
    SendFailure(String message) {
      super(message, null, false, false);
    }
  }
}
