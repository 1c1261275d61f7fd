package dev.toolgate.server.tls;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/2 request written frame by frame over TLS (ALPN h2), with exactly the header fields
 * given, in order, HPACK-encoded as plain literals: what a client library would refuse to send
 * (no {@code :authority}, a {@code Connection} header, an upper-case name, a body longer than its
 * {@code content-length}). The server's answer is read with Netty's HPACK decoder.
 */
public final class RawHttp2 {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, GOAWAY = 7, CONTINUATION = 9;
  private static final int END_STREAM = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20, ACK = 0x1;

  /**
   * What came back on stream 1.
   *
   * @param status the {@code :status}, or 0 when none came
   * @param reset the RST_STREAM error code, or -1 when the stream was not reset
   * @param goAway the GOAWAY error code, or -1 when the connection was not closed with one
   */
  public record Answer(int status, String body, long reset, long goAway) {
    @Override
    public String toString() {
      return "status " + status + " reset " + reset + " goaway " + goAway + " " + body;
    }
  }

  private RawHttp2() {}

  /** Sends one request ({@code fields} as name/value pairs, in order) and an optional body on stream 1. */
  public static Answer exchange(SSLContext context, int port, List<String[]> fields, byte[] body) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      if (!"h2".equals(socket.getApplicationProtocol())) {
        throw new IllegalStateException("the server did not choose h2 by ALPN but '" + socket.getApplicationProtocol() + "'");
      }
      OutputStream out = socket.getOutputStream();
      out.write(PREFACE);
      frame(out, SETTINGS, 0, 0, new byte[0]);
      frame(out, HEADERS, END_HEADERS | (body == null ? END_STREAM : 0), 1, literals(fields));
      if (body != null) {
        frame(out, DATA, END_STREAM, 1, body);
      }
      out.flush();
      return read(new DataInputStream(socket.getInputStream()), out);
    }
  }

  private static Answer read(DataInputStream in, OutputStream out) throws IOException {
    DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    int status = 0;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    try {
      while (true) {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        if (type == SETTINGS && (flags & ACK) == 0) {
          frame(out, SETTINGS, ACK, 0, new byte[0]);
          out.flush();
        } else if ((type == HEADERS || type == CONTINUATION) && stream == 1) {
          int from = 0;
          int padding = 0;
          if (type == HEADERS && (flags & PADDED) != 0) {
            padding = payload[0] & 0xff;
            from = 1;
          }
          if (type == HEADERS && (flags & PRIORITY) != 0) {
            from += 5;
          }
          block.write(payload, from, payload.length - from - padding);
          if ((flags & END_HEADERS) != 0) {
            Http2Headers headers = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(block.toByteArray()));
            block.reset();
            if (headers.status() != null) {
              status = Integer.parseInt(headers.status().toString());
            }
          }
        } else if (type == DATA && stream == 1) {
          int padding = (flags & PADDED) != 0 ? payload[0] & 0xff : 0;
          int from = (flags & PADDED) != 0 ? 1 : 0;
          body.write(payload, from, payload.length - from - padding);
        } else if (type == RST_STREAM && stream == 1) {
          return new Answer(status, body.toString(StandardCharsets.UTF_8), code(payload, 0), -1);
        } else if (type == GOAWAY) {
          return new Answer(status, body.toString(StandardCharsets.UTF_8), -1, code(payload, 4));
        }
        if (stream == 1 && (flags & END_STREAM) != 0 && (type == DATA || type == HEADERS)) {
          return new Answer(status, body.toString(StandardCharsets.UTF_8), -1, -1);
        }
      }
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("no answer within 10 s (status so far " + status + ")", e);
    } catch (java.io.EOFException e) {
      return new Answer(status, body.toString(StandardCharsets.UTF_8), -1, -1);
    } catch (io.netty.handler.codec.http2.Http2Exception e) {
      throw new IllegalStateException("the answer's headers cannot be decoded", e);
    }
  }

  private static long code(byte[] payload, int at) {
    return ((payload[at] & 0xffL) << 24) | ((payload[at + 1] & 0xffL) << 16) | ((payload[at + 2] & 0xffL) << 8) | (payload[at + 3] & 0xffL);
  }

  /** Each field as an HPACK literal without indexing, new name, no Huffman coding (RFC 7541 §6.2.2). */
  private static byte[] literals(List<String[]> fields) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (String[] field : fields) {
      block.write(0x00);
      string(block, field[0]);
      string(block, field[1]);
    }
    return block.toByteArray();
  }

  private static void string(ByteArrayOutputStream block, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    int n = bytes.length;
    if (n < 127) {
      block.write(n);
    } else {
      block.write(127);
      n -= 127;
      while (n >= 128) {
        block.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      block.write(n);
    }
    block.writeBytes(bytes);
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
    int n = payload.length;
    out.write(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type, (byte) flags,
        (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
    out.write(payload);
  }
}
