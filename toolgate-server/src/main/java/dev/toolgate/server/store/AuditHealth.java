package dev.toolgate.server.store;

import java.util.Locale;

/** What the {@link AuditWriter} is doing about the store, for {@code /readyz} and the operator. */
public enum AuditHealth {
  /** Writes succeed and nothing waits on disk. */
  OK,
  /** The last write failed; records wait in memory and the write is retried. */
  BUFFERING,
  /** Records wait in spill files (the store failed for a while, or the files are being replayed). */
  SPILLING,
  /** Records were lost within the last minute: neither memory nor the spill files could keep them. */
  LOSING;

  /** The name {@code /readyz} shows. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
