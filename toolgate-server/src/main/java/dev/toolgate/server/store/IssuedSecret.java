package dev.toolgate.server.store;

import java.util.Objects;

/**
 * A newly created credential and its value in clear. The store keeps only a digest, so this is the
 * one time the value exists outside the caller's hands: show it once, never log it.
 *
 * @param record what is stored (id, digest, times)
 * @param plaintext the secret itself
 */
public record IssuedSecret<T>(T record, String plaintext) {
  public IssuedSecret {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(plaintext, "plaintext");
  }

  /** Leaves the value out, so printing or logging the object by mistake leaks nothing. */
  @Override
  public String toString() {
    return "IssuedSecret[record=" + record + ", plaintext=(hidden)]";
  }
}
