package dev.toolgate.server.store;

/**
 * An id (or name) given by the caller does not exist. Separate from {@link StoreException} so an
 * admin surface can answer 404 for this and 503 for a store failure without inspecting messages.
 */
public class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
