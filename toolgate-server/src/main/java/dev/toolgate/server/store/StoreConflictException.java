package dev.toolgate.server.store;

/**
 * The change contradicts what is stored: a client name already taken, rotating a revoked token.
 * Maps to 409 on the admin API; the message says what conflicts and is safe to show.
 */
public class StoreConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreConflictException(String message) {
    super(message);
  }
}
