package dev.toolgate.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends exact bytes over a socket, for requests java.net.http would normalise or refuse to send. */
final class RawHttp {
  private RawHttp() {}

  /** Sends the request (with Connection: close) and returns the whole response as text. */
  static String send(int port, String head, byte[] body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          response.write(buf, 0, n);
        }
      } catch (java.net.SocketException e) {
        // the server may reset after answering (e.g. an unread body); what we got is the answer
      }
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }
}
