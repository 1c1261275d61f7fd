package dev.toolgate.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.http.ServerLog;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What the OpenTelemetry SDK logs through java.util.logging reaches Toolgate's log as one line, chatter left out. */
class SdkLogTest {
  @Test
  void anSdkErrorIsOneLineWithItsCauseAndInfoIsDropped() {
    SdkLog.install();
    SdkLog.install(); // once only: a second call adds no second handler
    Logger exporter = Logger.getLogger("io.opentelemetry.exporter.internal.http.HttpExporter");
    try (ServerLog log = ServerLog.capture()) {
      exporter.log(Level.INFO, "Error encountered during autoconfiguration.");
      exporter.log(Level.SEVERE, "Failed to export 2 spans. The request could not be executed.",
          new ConnectException().initCause(new ClosedChannelException()));
      exporter.log(Level.WARNING, "Queue is full, dropping {0} spans", 3);
      assertThat(log.lines()).filteredOn(l -> l.contains("HttpExporter")).satisfiesExactly(
          error -> assertThat(error).contains("ERROR HttpExporter - Failed to export 2 spans. The request could not be executed."
              + " (java.net.ConnectException, caused by java.nio.channels.ClosedChannelException)"),
          warn -> assertThat(warn).contains("WARN HttpExporter - Queue is full, dropping 3 spans"));
      assertThat(log.lines()).noneMatch(l -> l.startsWith("\tat ") || l.contains("autoconfiguration"));
    }
  }
}
