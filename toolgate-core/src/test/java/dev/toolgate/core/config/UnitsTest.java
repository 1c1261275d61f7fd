package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

  @Test
  void durations() {
    assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Units.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Units.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "24h    | 24h",
      "1440m  | 24h",
      "90m    | 90m",
      "3600s  | 1h",
      "61s    | 61s",
      "1000ms | 1s",
      "1500ms | 1500ms",
  })
  void durationsAreFormattedInTheLargestUnitThatDividesThem(String text, String formatted) {
    assertThat(Units.format(Units.parseDuration(text))).isEqualTo(formatted);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10       | duration '10' has no unit (use a whole number followed by ms, s, m or h, e.g. 250ms, 10s, 2m)",
      "0s       | duration must be positive, got '0s'",
      "-5s      | invalid duration '-5s'",
      "1.5s     | invalid duration '1.5s'",
      "10 s     | invalid duration '10 s'",
      "10sec    | invalid duration '10sec'",
      "10S      | invalid duration '10S'",
      "PT10S    | invalid duration 'PT10S'",
      "99999999999999999999h | duration '99999999999999999999h' is too large",
      "9999999999999999h     | duration '9999999999999999h' is too large",
  })
  void badDurations(String text, String message) {
    assertThatThrownBy(() -> Units.parseDuration(text)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @Test
  void sizes() {
    assertThat(Units.parseSize("1")).isEqualTo(1);
    assertThat(Units.parseSize("100B")).isEqualTo(100);
    assertThat(Units.parseSize("512KiB")).isEqualTo(512 * 1024);
    assertThat(Units.parseSize("1MiB")).isEqualTo(1_048_576);
    assertThat(Units.parseSize("2GiB")).isEqualTo(2L << 30);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1MB      | invalid size '1MB' (use a whole number of bytes, or one followed by B, KiB, MiB or GiB, e.g. 512KiB, 1MiB)",
      "1mib     | invalid size '1mib'",
      "1.5MiB   | invalid size '1.5MiB'",
      "-1       | invalid size '-1'",
      "0        | size must be positive, got '0'",
      "0KiB     | size must be positive, got '0KiB'",
      "99999999999GiB | size '99999999999GiB' is too large",
  })
  void badSizes(String text, String message) {
    assertThatThrownBy(() -> Units.parseSize(text)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"upstream_timeout", "shutdown_grace"})
  void badDurationInTheFileNamesLineAndField(String key) {
    assertError("server:\n  port: 8080\n  " + key + ": 10\n" + ONE_TOOL, 3, "server." + key, "duration '10' has no unit");
    assertError("server:\n  " + key + ": 0ms\n" + ONE_TOOL, 2, "server." + key, "duration must be positive");
    assertError("server:\n  " + key + ": true\n" + ONE_TOOL, 2, "server." + key, "expected a duration such as 250ms, 10s or 2m, got a boolean");
    assertError("server:\n  " + key + ": [1s]\n" + ONE_TOOL, 2, "server." + key, "expected a duration such as 250ms, 10s or 2m, got a list");
  }

  @Test
  void badSizesAndFlushIntervalInTheFile() {
    assertError("server:\n  max_body_bytes: 1MB\n" + ONE_TOOL, 2, "server.max_body_bytes", "invalid size '1MB'");
    assertError("server:\n  max_body_bytes: 0\n" + ONE_TOOL, 2, "server.max_body_bytes", "size must be positive");
    assertError("server:\n  max_body_bytes: -5\n" + ONE_TOOL, 2, "server.max_body_bytes", "invalid size '-5'");
    assertError("server:\n  max_body_bytes: 1.5\n" + ONE_TOOL, 2, "server.max_body_bytes", "invalid size '1.5'");
    assertError("audit:\n  flush_interval: 200\n" + ONE_TOOL, 2, "audit.flush_interval", "duration '200' has no unit");
  }
}
