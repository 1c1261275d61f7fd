package dev.toolgate.server;

/**
 * The server could not listen because another program already does on its host and port. Says
 * which address; the caller knows which setting chose it (server.port in a file, a --port flag).
 */
public final class AddressInUseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String host;
  private final int port;
  /** The management interface's port, not the main one. */
  private final boolean management;

  public AddressInUseException(String host, int port) {
    this(host, port, false);
  }

  private AddressInUseException(String host, int port, boolean management) {
    super((management ? "the management port " : "") + host + ":" + port + " is already in use by another program");
    this.host = host;
    this.port = port;
    this.management = management;
  }

  /** The same failure, on the management interface's port. */
  AddressInUseException ofManagement() {
    return new AddressInUseException(host, port, true);
  }

  /** Whether the port in use is the management interface's (management.port, --management-port). */
  public boolean management() {
    return management;
  }

  /** {@code failure} as this exception when it is a bind failure, else unchanged. */
  static RuntimeException ifAddressInUse(RuntimeException failure, String host, int port) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // NIO throws BindException; Netty's native transports an IOException with the errno text.
      if (t instanceof java.net.BindException || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return new AddressInUseException(host, port);
      }
    }
    return failure;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }
}
