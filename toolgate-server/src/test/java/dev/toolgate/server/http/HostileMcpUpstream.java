package dev.toolgate.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An MCP upstream written on a bare socket, so it can answer what no HTTP library would send: what it
 * answers is chosen by the request's {@code x-hostile-mode} header (Toolgate forwards it). It records
 * every request that reached it, to prove a refused call never did.
 *
 * <ul>
 *   <li>(none): {@code 200} JSON-RPC result; an {@code initialize} gets {@code Mcp-Session-Id: up-session-N}
 *   <li>{@code tool-list}: a tools/list result naming lookup_order and refund_order
 *   <li>{@code weird-session}: a session id with spaces, quotes, commas and semicolons
 *   <li>{@code two-sessions}: two {@code Mcp-Session-Id} headers
 *   <li>{@code switching}: {@code 101 Switching Protocols}, then bytes of another protocol
 *   <li>{@code huge-header}: a 64 KiB header
 *   <li>{@code sse-forever}: a {@code text/event-stream} answer that never ends (an event every 100 ms)
 * </ul>
 */
final class HostileMcpUpstream implements AutoCloseable {
  /** What reached the upstream: the head's lines as sent and the body. */
  record Seen(String requestLine, List<String[]> headers, byte[] body) {
    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    /** Every header whose name, folded for case and '_' as CGI/WSGI servers fold it, is {@code name}. */
    List<String> folded(String name) {
      List<String> out = new ArrayList<>();
      for (String[] h : headers) {
        if (h[0].toLowerCase(Locale.ROOT).replace('_', '-').equals(name)) {
          out.add(h[1]);
        }
      }
      return out;
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final AtomicInteger hits = new AtomicInteger();
  final AtomicInteger sessions = new AtomicInteger();
  volatile Seen last;
  /** Counted down when the upstream side of an {@code sse-forever} answer was cut off by Toolgate. */
  volatile CountDownLatch streamCut = new CountDownLatch(1);

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hostile-mcp-upstream");
    t.setDaemon(true);
    return t;
  });

  HostileMcpUpstream() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          threads.execute(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        Seen seen = read(in);
        if (seen == null) {
          return;
        }
        last = seen;
        hits.incrementAndGet();
        if (!answer(seen, out)) {
          return;
        }
      }
    } catch (IOException e) {
      // the gateway went away: nothing to answer
    }
  }

  /** Answers one request; false when the connection must close. */
  private boolean answer(Seen seen, OutputStream out) throws IOException {
    String mode = seen.header("x-hostile-mode");
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":true}}";
    String extra = "";
    if (seen.bodyText().contains("\"initialize\"")) {
      extra = "Mcp-Session-Id: up-session-" + sessions.incrementAndGet() + "\r\n";
    }
    switch (mode == null ? "" : mode) {
      case "tool-list" -> body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"tools\":[{\"name\":\"lookup_order\",\"inputSchema\":{}},"
          + "{\"name\":\"refund_order\",\"inputSchema\":{}}]}}";
      case "weird-session" -> extra = "Mcp-Session-Id: a b,\"c\";=d/e\\f\r\n";
      case "two-sessions" -> extra = "Mcp-Session-Id: first-one\r\nMcp-Session-Id: second-one\r\n";
      case "switching" -> {
        out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
            + "\u0081\u0005hello").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return false;
      }
      case "huge-header" -> extra = "X-Huge: " + "h".repeat(64 * 1024) + "\r\n";
      case "sse-forever" -> {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n" + extra + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        try {
          for (int i = 0; ; i++) {
            byte[] event = ("event: message\ndata: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(event);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException e) {
          streamCut.countDown();
          return false;
        }
      }
      default -> { }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n" + extra + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
    return true;
  }

  /** One request from the stream (Content-Length or chunked body); null at the end of the stream. */
  private static Seen read(InputStream in) throws IOException {
    String head = readHead(in);
    if (head == null) {
      return null;
    }
    String[] lines = head.split("\r\n");
    List<String[]> headers = new ArrayList<>();
    int length = 0;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon);
      String value = lines[i].substring(colon + 1).strip();
      headers.add(new String[] {name, value});
      if (name.equalsIgnoreCase("content-length")) {
        length = Integer.parseInt(value);
      } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
        chunked = true;
      }
    }
    byte[] body = chunked ? readChunked(in) : in.readNBytes(length);
    return new Seen(lines[0], headers, body);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      head.write(c);
      matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = readLine(in);
      int n = Integer.parseInt(size.split(";")[0].strip(), 16);
      if (n == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
