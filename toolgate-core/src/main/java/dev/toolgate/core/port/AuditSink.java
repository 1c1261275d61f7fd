package dev.toolgate.core.port;

/** Where decisions go. Must not block the caller: implementations queue and write in batches. */
public interface AuditSink {
  void record(AuditEvent event);
}
