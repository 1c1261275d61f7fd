package dev.toolgate.server.http.hostile;

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

/**
 * An upstream on a plain socket that records the exact bytes of every request Toolgate sends it.
 * Unlike a Vert.x upstream it normalises nothing and hides nothing: a smuggled second request, a
 * stray byte after a body, or a request cut off half-way all show up. It parses strictly (CRLF
 * lines, one Content-Length or {@code chunked} without trailers) and answers every whole request
 * with 200 and {@code upstream saw METHOD TARGET}; bytes that make no whole request are kept as
 * leftovers and the connection is closed.
 */
final class WireUpstream implements AutoCloseable {
  /** One whole request as it arrived: the head verbatim, and the body as framed (chunked bodies decoded). */
  record Seen(String requestLine, List<String> headerLines, byte[] body, String rawHead) {
    /** The values of a header, matched case-insensitively, as sent (trimmed). */
    List<String> header(String name) {
      List<String> values = new ArrayList<>();
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        if (line.substring(0, colon).equalsIgnoreCase(name)) {
          values.add(line.substring(colon + 1).strip());
        }
      }
      return values;
    }

    /** The header names, lower-cased, in the order sent. */
    List<String> headerNames() {
      return headerLines.stream().map(l -> l.substring(0, l.indexOf(':')).toLowerCase(Locale.ROOT)).toList();
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private final ServerSocket server;
  private final List<Seen> seen = new ArrayList<>();
  private final List<String> leftovers = new ArrayList<>();
  /** Requests whose first byte arrived and that are neither whole nor given up on yet. */
  private int inFlight;

  WireUpstream() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "wire-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** A point in the recording; {@link #since(Mark)} gives what arrived after it. */
  record Mark(int requests, int leftovers) {}

  synchronized Mark mark() {
    return new Mark(seen.size(), leftovers.size());
  }

  /** What arrived after {@code mark}: whole requests, and bytes that made no whole request. */
  record Traffic(List<Seen> requests, List<String> leftovers) {}

  synchronized Traffic since(Mark mark) {
    return new Traffic(List.copyOf(seen.subList(mark.requests(), seen.size())), List.copyOf(leftovers.subList(mark.leftovers(), leftovers.size())));
  }

  /**
   * Waits (at most 10 s) until no request is half-way through arriving: a request Toolgate started
   * to send is then either whole or, because Toolgate cut it off, a leftover.
   */
  synchronized void awaitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("a request to the upstream was started and neither finished nor cut off within 10 s");
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  private synchronized void started() {
    inFlight++;
  }

  private synchronized void finished(Seen request, String leftover) {
    inFlight--;
    if (request != null) {
      seen.add(request);
    }
    if (leftover != null) {
      leftovers.add(leftover);
    }
    notifyAll();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "wire-upstream-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        int first = read(in);
        if (first < 0) {
          return;
        }
        started();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(first);
        Seen request = readRequest(in, raw);
        finished(request, request == null ? raw.toString(StandardCharsets.ISO_8859_1) : null);
        if (request == null) {
          return; // nothing after bytes that cannot be framed can be framed either
        }
        byte[] answer = ("upstream saw " + request.requestLine()).getBytes(StandardCharsets.ISO_8859_1);
        out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: " + answer.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(answer);
        out.flush();
      }
    } catch (IOException e) {
      // the gateway went away while we answered; what arrived is recorded
    }
  }

  /** The rest of one request (its first byte is in {@code raw}); null when it is cut off or malformed. */
  private static Seen readRequest(InputStream in, ByteArrayOutputStream raw) {
    String head = readHead(in, raw);
    if (head == null) {
      return null;
    }
    String[] lines = head.split("\r\n", -1);
    List<String> headerLines = new ArrayList<>();
    for (int i = 1; i < lines.length - 2; i++) {
      headerLines.add(lines[i]);
    }
    if (lines[0].split(" ", -1).length != 3 || !lines[0].endsWith(" HTTP/1.1") || headerLines.stream().anyMatch(l -> l.indexOf(':') <= 0)) {
      return null;
    }
    Seen shape = new Seen(lines[0], List.copyOf(headerLines), new byte[0], head);
    List<String> lengths = shape.header("content-length");
    List<String> encodings = shape.header("transfer-encoding");
    byte[] body;
    if (!encodings.isEmpty()) {
      body = lengths.isEmpty() && encodings.equals(List.of("chunked")) ? readChunked(in, raw) : null;
    } else if (lengths.size() > 1 || lengths.size() == 1 && !lengths.get(0).matches("[0-9]{1,9}")) {
      body = null;
    } else {
      body = readExactly(in, raw, lengths.isEmpty() ? 0 : Integer.parseInt(lengths.get(0)));
    }
    return body == null ? null : new Seen(shape.requestLine(), shape.headerLines(), body, head);
  }

  private static String readHead(InputStream in, ByteArrayOutputStream raw) {
    while (!raw.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = read(in);
      if (c < 0) {
        return null;
      }
      raw.write(c);
    }
    return raw.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] readExactly(InputStream in, ByteArrayOutputStream raw, int length) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < length; i++) {
      int c = read(in);
      if (c < 0) {
        return null;
      }
      raw.write(c);
      body.write(c);
    }
    return body.toByteArray();
  }

  private static byte[] readChunked(InputStream in, ByteArrayOutputStream raw) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in, raw);
      if (sizeLine == null || !sizeLine.matches("[0-9a-fA-F]{1,7}")) {
        return null;
      }
      int size = Integer.parseInt(sizeLine, 16);
      if (size == 0) {
        return "".equals(readLine(in, raw)) ? body.toByteArray() : null; // no trailers expected
      }
      byte[] chunk = readExactly(in, raw, size);
      if (chunk == null || !"".equals(readLine(in, raw))) {
        return null;
      }
      body.writeBytes(chunk);
    }
  }

  /** One CRLF-terminated line without its CRLF, or null when the stream ends first. */
  private static String readLine(InputStream in, ByteArrayOutputStream raw) {
    StringBuilder line = new StringBuilder();
    while (line.length() < 2 || !line.substring(line.length() - 2).equals("\r\n")) {
      int c = read(in);
      if (c < 0) {
        return null;
      }
      raw.write(c);
      line.append((char) c);
    }
    return line.substring(0, line.length() - 2);
  }

  /** One byte, or -1 at the end of the stream or when the gateway reset the connection. */
  private static int read(InputStream in) {
    try {
      return in.read();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
