package dev.toolgate.server.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class CacheLifetimeTest {
  static final Duration MIN = Duration.ofSeconds(60);
  static final Duration MAX = Duration.ofHours(24);
  static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

  static Duration cc(String cacheControl) {
    return CacheLifetime.of(cacheControl, null, null, null, null, MIN, MAX, NOW);
  }

  static String httpDate(Instant t) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  @Test
  void maxAgeIsHonouredUpToCacheMax() {
    assertThat(cc("max-age=300")).isEqualTo(Duration.ofSeconds(300));
    assertThat(cc("public, Max-Age=\"120\"")).isEqualTo(Duration.ofSeconds(120));
    assertThat(cc("max-age=5")).isEqualTo(Duration.ofSeconds(5));
    assertThat(cc("max-age=99999999")).isEqualTo(MAX);
    assertThat(cc("max-age=99999999999999999999999")).isEqualTo(Duration.ZERO); // not a number Toolgate reads: stale
    assertThat(cc("max-age=300, s-maxage=30")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void noStoreNoCacheAndZeroAreNotKept() {
    assertThat(cc("no-store")).isZero();
    assertThat(cc("max-age=600, no-cache")).isZero();
    assertThat(cc("max-age=0")).isZero();
    assertThat(cc("max-age=abc")).isZero();
    assertThat(cc("max-age=-5")).isZero();
    assertThat(CacheLifetime.of(null, null, null, null, "no-cache", MIN, MAX, NOW)).isZero();
  }

  @Test
  void ageIsSubtracted() {
    assertThat(CacheLifetime.of("max-age=300", null, null, "100", null, MIN, MAX, NOW)).isEqualTo(Duration.ofSeconds(200));
    assertThat(CacheLifetime.of("max-age=300", null, null, "400", null, MIN, MAX, NOW)).isZero();
  }

  @Test
  void expiresIsReadAgainstTheDateHeader() {
    String date = httpDate(NOW.minusSeconds(3600));
    assertThat(CacheLifetime.of(null, httpDate(NOW.minusSeconds(3600).plusSeconds(90)), date, null, null, MIN, MAX, NOW))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(CacheLifetime.of(null, httpDate(NOW.plusSeconds(600)), null, null, null, MIN, MAX, NOW)).isEqualTo(Duration.ofSeconds(600));
    assertThat(CacheLifetime.of(null, httpDate(NOW.minusSeconds(600)), null, null, null, MIN, MAX, NOW)).isZero();
    assertThat(CacheLifetime.of(null, "0", null, null, null, MIN, MAX, NOW)).isZero();
    assertThat(CacheLifetime.of("max-age=30", httpDate(NOW.plusSeconds(600)), null, null, null, MIN, MAX, NOW)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void withoutCachingHeadersCacheMinIsUsed() {
    assertThat(cc(null)).isEqualTo(MIN);
    assertThat(cc("public")).isEqualTo(MIN);
  }
}
