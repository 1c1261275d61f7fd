package dev.toolgate.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** One connection kept open across requests: exact bytes out, one response at a time in. */
final class KeepAliveConnection implements AutoCloseable {
  private final Socket socket;

  KeepAliveConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000); // a safety net for a server that never answers, not a timing assertion
  }

  KeepAliveConnection send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** The next response (head and Content-Length body). */
  String response() throws IOException {
    return RawHttp.readResponse(socket.getInputStream());
  }

  /** Everything the server sends until it closes the connection. */
  String untilClosed() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (SocketException reset) {
      // closed with a reset: closed all the same
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
