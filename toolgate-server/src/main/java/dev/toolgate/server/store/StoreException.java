package dev.toolgate.server.store;

/**
 * The store itself failed: the database is unreachable, a statement failed, a migration could not
 * be applied. Callers answer such failures as 503 (a dependency failed), never as 401/403/404.
 * Messages name the backend and its target but never a password or a secret value.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
