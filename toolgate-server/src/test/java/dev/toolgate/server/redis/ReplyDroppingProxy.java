package dev.toolgate.server.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of a real Redis that can lose one reply: once {@link #dropNextArrayReply()}
 * is armed, the next array reply the server sends (what a Lua script returns; PING's {@code +PONG}
 * passes) is swallowed and the connection is reset. Redis has run the command, the client never
 * hears of it: a network that fails after the request arrived.
 */
final class ReplyDroppingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicBoolean dropped = new AtomicBoolean();
  private volatile boolean closed;

  ReplyDroppingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "reply-dropping-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The next array reply from Redis is lost, and its connection reset. */
  void dropNextArrayReply() {
    dropped.set(false);
    armed.set(true);
  }

  /** Whether a reply was dropped since {@link #dropNextArrayReply()}. */
  boolean dropped() {
    return dropped.get();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    open.forEach(ReplyDroppingProxy::reset);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        open.add(client);
        open.add(server);
        pipe(client, server, false);
        pipe(server, client, true);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean replies) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (replies && n > 0 && buffer[0] == '*' && armed.compareAndSet(true, false)) {
            dropped.set(true);
            break; // the reply is lost with the connection
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away: the other follows
      } finally {
        reset(from);
        reset(to);
      }
    }, "reply-dropping-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
