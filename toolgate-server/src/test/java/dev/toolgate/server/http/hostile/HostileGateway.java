package dev.toolgate.server.http.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.http.hostile.RawConnection.Response;
import dev.toolgate.server.http.hostile.WireUpstream.Seen;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * A real gateway (the shared {@code GatewayHarness}, through {@link HarnessAccess}) in front of a
 * {@link WireUpstream}, driven over raw sockets. Each exchange answers what the client got and what
 * the upstream got while it ran.
 */
final class HostileGateway implements AutoCloseable {
  final WireUpstream upstream;
  final HarnessAccess harness;
  private int port;

  /** {@code toolsYaml} names the upstream {@code WIRE}; credentials are added before {@link #start()}. */
  HostileGateway(String toolsYaml) throws Exception {
    upstream = new WireUpstream();
    harness = HarnessAccess.create(toolsYaml.replace("WIRE", upstream.url()));
  }

  HostileGateway start() {
    harness.start();
    port = URI.create(harness.base()).getPort();
    return this;
  }

  /** What one connection got back, and what reached the upstream meanwhile. */
  record Outcome(List<Response> answers, List<Seen> forwarded, List<String> cutOff) {
    Response only() {
      assertThat(answers).as("answers").hasSize(1);
      return answers.get(0);
    }

    /** One answer with this status and problem code, and nothing, not even a partial request, upstream. */
    void refused(int status, String code) {
      assertThat(only().status()).as("status of " + only()).isEqualTo(status);
      assertThat(only().code()).as("problem code of " + only()).isEqualTo(code);
      assertUpstreamSawNothing();
    }

    void assertUpstreamSawNothing() {
      assertThat(forwarded).as("requests that reached the upstream").isEmpty();
      assertThat(cutOff).as("partial requests that reached the upstream").isEmpty();
    }

    /** The one request the upstream got; it must be the one the client's only answer judged. */
    Seen forwardedOnce() {
      assertThat(forwarded).as("requests that reached the upstream").hasSize(1);
      assertThat(cutOff).as("partial requests that reached the upstream").isEmpty();
      assertEveryForwardedRequestWasJudged();
      return forwarded.get(0);
    }

    /**
     * Toolgate stamps each request it forwards with the request id it answers with: every request
     * the upstream saw carries the id of exactly one answer the client got, in the same order.
     */
    void assertEveryForwardedRequestWasJudged() {
      List<String> answered = answers.stream().map(a -> a.header("x-request-id")).toList();
      List<String> upstreamIds = forwarded.stream().map(s -> {
        assertThat(s.header("x-request-id")).as("x-request-id of " + s.requestLine()).hasSize(1);
        return s.header("x-request-id").get(0);
      }).toList();
      if (!upstreamIds.isEmpty()) {
        assertThat(answered).as("request ids answered").containsSubsequence(upstreamIds);
      }
    }
  }

  /** Sends exact bytes on a new connection, reads every answer until the gateway closes it. */
  Outcome send(String request) throws IOException, InterruptedException {
    WireUpstream.Mark mark = upstream.mark();
    RawConnection.Result result = RawConnection.exchange(port, request);
    return outcome(mark, result);
  }

  /** As {@link #send}, then the client stops sending (half-close) without finishing its request. */
  Outcome sendThenHalfClose(String request) throws IOException, InterruptedException {
    WireUpstream.Mark mark = upstream.mark();
    RawConnection.Result result = RawConnection.exchangeThenHalfClose(port, request);
    return outcome(mark, result);
  }

  private Outcome outcome(WireUpstream.Mark mark, RawConnection.Result result) throws InterruptedException {
    upstream.awaitQuiet();
    WireUpstream.Traffic traffic = upstream.since(mark);
    return new Outcome(result.responses(), traffic.requests(), traffic.leftovers());
  }

  @Override
  public void close() throws IOException {
    harness.close();
    upstream.close();
  }
}
