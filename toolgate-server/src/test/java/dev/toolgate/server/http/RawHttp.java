package dev.toolgate.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Sends exact bytes over a socket, for requests java.net.http would normalise or refuse to send. */
final class RawHttp {
  private RawHttp() {}

  /** Sends the request and returns one whole response (head and Content-Length body) as text. */
  static String send(int port, String head, byte[] body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        try {
          out.write(body);
        } catch (IOException e) {
          // the server may answer and close before reading everything (e.g. 413); read the answer anyway
        }
      }
      out.flush();
      return readResponse(s.getInputStream());
    }
  }

  static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    int contentLength = -1;
    int headEnd = -1;
    while (true) {
      int c;
      try {
        c = in.read();
      } catch (java.net.SocketException e) {
        break;
      }
      if (c < 0) {
        break;
      }
      response.write(c);
      if (headEnd < 0) {
        String text = response.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r\n\r\n")) {
          headEnd = text.length();
          for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
              contentLength = Integer.parseInt(line.substring(15).strip());
            }
          }
          if (contentLength == 0) {
            break;
          }
        }
      } else if (contentLength >= 0 && response.size() - headEnd >= contentLength) {
        break;
      }
    }
    return response.toString(StandardCharsets.UTF_8);
  }

  static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }
}
