package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** audit.durability and audit.batch_delay. */
class AuditDurabilityConfigTest {
  @Test
  void aFileWithoutTheKeysIsDurableWithBatchesOfTwoMilliseconds() {
    AuditSettings noSection = parse(ONE_TOOL).audit();
    assertThat(noSection.durability()).isEqualTo(AuditDurability.DURABLE);
    assertThat(noSection.batchDelay()).isEqualTo(Duration.ZERO);
    AuditSettings otherKeys = parse("audit:\n  batch_size: 64\n" + ONE_TOOL).audit();
    assertThat(otherKeys.durability()).isEqualTo(AuditDurability.DURABLE);
    assertThat(otherKeys.batchSize()).isEqualTo(64);
  }

  @Test
  void readsAsyncAndTheBatchDelay() {
    AuditSettings audit = parse("audit:\n  durability: async\n  batch_delay: 7ms\n" + ONE_TOOL).audit();
    assertThat(audit.durability()).isEqualTo(AuditDurability.ASYNC);
    assertThat(audit.batchDelay()).isEqualTo(Duration.ofMillis(7));
    assertThat(parse("audit:\n  durability: durable\n" + ONE_TOOL).audit().durability()).isEqualTo(AuditDurability.DURABLE);
  }

  @Test
  void refusesAnUnknownModeAndADelayThatIsNotAPositiveDuration() {
    assertError("audit:\n  durability: sync\n" + ONE_TOOL, 2, "audit.durability", "unknown audit durability 'sync' (known: durable, async)");
    assertError("audit:\n  durability: true\n" + ONE_TOOL, 2, "audit.durability", "");
    assertThat(parse("audit:\n  batch_delay: 0ms\n" + ONE_TOOL).audit().batchDelay()).isEqualTo(Duration.ZERO);
    assertError("audit:\n  batch_delay: 0\n" + ONE_TOOL, 2, "audit.batch_delay", "has no unit");
    assertError("audit:\n  batch_delay: -1ms\n" + ONE_TOOL, 2, "audit.batch_delay", "invalid duration");
    assertError("audit:\n  batch_delay: 2\n" + ONE_TOOL, 2, "audit.batch_delay", "has no unit");
    assertError("audit:\n  batch_dealy: 2ms\n" + ONE_TOOL, 2, "audit.batch_dealy", "batch_delay");
  }
}
