package dev.toolgate.core.port;

import java.time.Instant;

/** Receives "this credential was just used" so the store can keep a last-used time. Must not block. */
public interface UsageSink {
  void used(String credentialId, Instant at);

  UsageSink NONE = (id, at) -> {};
}
