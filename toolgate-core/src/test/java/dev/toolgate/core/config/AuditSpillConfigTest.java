package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.SOURCE;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** audit.buffer_max_events, audit.spill_dir and audit.spill_max_bytes. */
class AuditSpillConfigTest {
  @Test
  void defaultsKeepTenThousandInMemoryAndAGibibyteOnDiskNextToTheFile() {
    AuditSettings audit = parse(ONE_TOOL).audit();
    assertThat(audit.bufferMaxEvents()).isEqualTo(10_000);
    assertThat(audit.spillMaxBytes()).isEqualTo(1L << 30);
    assertThat(audit.spillDir()).as("null: the server puts audit-spill next to the config file").isNull();
  }

  @Test
  void readsEveryKeyAndResolvesTheDirectoryAgainstTheFile() {
    AuditSettings audit = parse("""
        audit:
          durability: async
          batch_size: 50
          batch_delay: 5ms
          flush_interval: 1s
          buffer_max_events: 2000
          spill_dir: spool/audit
          spill_max_bytes: 64MiB
        """ + ONE_TOOL).audit();
    assertThat(audit).isEqualTo(new AuditSettings(50, Duration.ofSeconds(1), 2000,
        SOURCE.toAbsolutePath().getParent().resolve("spool/audit").toString(), 64L << 20)
        .withDurability(AuditDurability.ASYNC, Duration.ofMillis(5)));
    assertThat(parse("audit:\n  spill_dir: /var/spool/toolgate\n" + ONE_TOOL).audit().spillDir()).isEqualTo("/var/spool/toolgate");
  }

  @Test
  void refusesBoundsThatAreNotPositiveAndAnEmptyDirectory() {
    assertError("audit:\n  buffer_max_events: 0\n" + ONE_TOOL, 2, "audit.buffer_max_events", "");
    assertError("audit:\n  spill_max_bytes: 0\n" + ONE_TOOL, 2, "audit.spill_max_bytes", "size must be positive");
    assertError("audit:\n  spill_max_bytes: lots\n" + ONE_TOOL, 2, "audit.spill_max_bytes", "invalid size");
    assertError("audit:\n  spill_dir: \"\"\n" + ONE_TOOL, 2, "audit.spill_dir", "");
    assertError("audit:\n  spill_directory: x\n" + ONE_TOOL, 2, "audit.spill_directory", "spill_dir");
  }
}
