package dev.toolgate.server.http.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client connection that sends exact bytes (what {@code java.net.http} would normalise or
 * refuse to send) and reads the answers one at a time, so pipelined answers and a closed connection
 * can be told apart. Every read gives up after 10 s, so a hang fails the test instead of stalling it.
 */
final class RawConnection implements AutoCloseable {
  /** One answer: status, header lines as sent (names lower-cased), body. */
  record Response(int status, List<String> headers, String body) {
    /** The problem+json {@code code}, or null when the body is not a Toolgate problem. */
    String code() {
      Matcher m = Pattern.compile("\"code\":\"([a-z_]+)\"").matcher(body);
      return m.find() ? m.group(1) : null;
    }

    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return headers.stream().filter(h -> h.startsWith(prefix)).map(h -> h.substring(prefix.length()).strip()).findFirst().orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body;
    }
  }

  private final Socket socket;
  private final InputStream in;

  RawConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  /**
   * Sends exact bytes (ISO-8859-1 keeps every char below 256 as one byte) and reads every answer
   * until the server closes the connection, so the last request should say {@code Connection:
   * close} or be one the server closes after.
   */
  static Result exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), false);
  }

  /** As {@link #exchange(int, String)}, then closes the sending side: the client sends nothing more. */
  static Result exchangeThenHalfClose(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), true);
  }

  private static Result exchange(int port, byte[] request, boolean halfClose) throws IOException {
    try (RawConnection c = new RawConnection(port)) {
      c.send(request);
      if (halfClose) {
        c.socket.shutdownOutput();
      }
      List<Response> answers = new ArrayList<>();
      for (Response r = c.next(); r != null; r = c.next()) {
        answers.add(r);
      }
      return new Result(answers);
    }
  }

  /** All the answers one connection got before the server closed it. */
  record Result(List<Response> responses) {
    Response only() {
      if (responses.size() != 1) {
        throw new AssertionError("expected one answer, got " + responses);
      }
      return responses.get(0);
    }
  }

  void send(byte[] bytes) throws IOException {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (SocketException e) {
      // the server answered and closed before reading everything; read the answer anyway
    }
  }

  /** The next whole answer, or null when the server closed the connection first. */
  Response next() throws IOException {
    String head = readHead();
    if (head == null) {
      return null;
    }
    String[] lines = head.split("\r\n");
    List<String> headers = new ArrayList<>();
    int length = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).strip();
      headers.add(name + ": " + value);
      if (name.equals("content-length")) {
        length = Integer.parseInt(value);
      } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
        chunked = true;
      }
    }
    byte[] body = chunked ? readChunked() : in.readNBytes(Math.max(length, 0));
    return new Response(Integer.parseInt(lines[0].substring(9, 12)), List.copyOf(headers), new String(body, StandardCharsets.UTF_8));
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (true) {
      int c;
      try {
        c = in.read();
      } catch (SocketException e) {
        c = -1; // reset by the server: closed
      }
      if (c < 0) {
        if (head.size() > 0) {
          throw new AssertionError("connection closed in the middle of an answer: " + head.toString(StandardCharsets.ISO_8859_1));
        }
        return null;
      }
      head.write(c);
      if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = readLine();
      int n = Integer.parseInt(size.split(";")[0].strip(), 16);
      if (n == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      readLine();
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        return line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
      }
      line.write(c);
    }
    throw new AssertionError("connection closed inside a chunked answer");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
