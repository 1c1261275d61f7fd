package dev.toolgate.server.store;

/**
 * The master key that encrypts signing secrets is missing, malformed, or not the one the data was
 * sealed with. A configuration problem: the message says which key (by key id, never its bytes)
 * and how to fix it.
 */
public class MasterKeyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MasterKeyException(String message) {
    super(message);
  }

  public MasterKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
