package dev.toolgate.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of a real server (the test PostgreSQL), which a test
 * can cut and restore: {@link #cut()} resets every open connection and resets each new one as soon
 * as it is accepted (what a client sees of a database that restarts or whose host went away);
 * {@link #restore()} pipes again. The listening port stays the same throughout.
 */
public final class CuttableTcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean cut;
  private volatile boolean closed;

  public CuttableTcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "cuttable-proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy for the test PostgreSQL at 127.0.0.1:5432. */
  public static CuttableTcpProxy toPostgres() throws IOException {
    return new CuttableTcpProxy("127.0.0.1", 5432);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** {@code url} (a jdbc:postgresql://127.0.0.1:5432/... URL) going through this proxy instead. */
  public String via(String url) {
    return url.replace("//" + targetHost + ":" + targetPort + "/", "//127.0.0.1:" + port() + "/");
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Resets every connection now, and every new one from now on, until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket socket : open) {
      reset(socket);
    }
  }

  /** Accepts and pipes connections again. */
  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    closed = true;
    cut();
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (cut) {
        reset(client);
        continue;
      }
      try {
        Socket server = new Socket(targetHost, targetPort);
        server.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        open.add(client);
        open.add(server);
        pipe(client, server);
        pipe(server, client);
        if (cut) { // cut while connecting: do not let this one through
          reset(client);
          reset(server);
        }
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away: the other follows
      } finally {
        end(from);
        end(to);
      }
    }, "cuttable-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  /** A connection one side ended: closed normally, or reset while cut. */
  private void end(Socket socket) {
    if (cut) {
      reset(socket);
      return;
    }
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** Closes with a TCP reset (linger 0), as a dead server's host would answer. */
  private void reset(Socket socket) {
    open.remove(socket);
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
