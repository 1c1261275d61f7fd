package dev.toolgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.request.Headers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  static Headers xff(String... values) {
    return Headers.of(Map.of("X-Forwarded-For", List.of(values)));
  }

  @Test
  void cidrBlocksMatchIpv4AndIpv6AndRefuseNonsense() {
    CidrSet set = CidrSet.parse(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"));
    assertThat(set.contains("10.200.3.4")).isTrue();
    assertThat(set.contains("11.0.0.1")).isFalse();
    assertThat(set.contains("192.0.2.7")).isTrue();
    assertThat(set.contains("192.0.2.8")).isFalse();
    assertThat(set.contains("2001:db8:1::5")).isTrue();
    assertThat(set.contains("2001:db9::1")).isFalse();
    assertThat(set.contains("::ffff:10.1.2.3")).as("IPv4-mapped IPv6 is the IPv4 address").isTrue();
    assertThat(set.contains("example.com")).isFalse();
    assertThat(set.contains("10.0.0.1; drop")).isFalse();
    for (String bad : List.of("10.0.0.0/33", "10.0.0.1/8", "300.1.1.1", "example.com", "2001:db8::/129", "", "10.0.0.0/-1")) {
      assertThatThrownBy(() -> CidrBlock.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() {
    ClientAddress none = new ClientAddress(CidrSet.parse(List.of()));
    assertThat(none.resolve("203.0.113.9", xff("1.2.3.4"))).isEqualTo("203.0.113.9");
    ClientAddress trusted = new ClientAddress(CidrSet.parse(List.of("10.0.0.0/8")));
    assertThat(trusted.resolve("203.0.113.9", xff("1.2.3.4"))).as("spoofed header from an untrusted peer").isEqualTo("203.0.113.9");
    assertThat(trusted.resolve("10.0.0.5", xff("1.2.3.4"))).isEqualTo("1.2.3.4");
  }

  @Test
  void oneHopTakesExactlyTheAddressTheProxyWrote() {
    ClientAddress trusted = new ClientAddress(CidrSet.parse(List.of("10.0.0.0/8")));
    // The proxy appended (or wrote) the rightmost entry; everything to its left came from the caller.
    assertThat(trusted.resolve("10.0.0.5", xff("6.6.6.6, 198.51.100.4"))).isEqualTo("198.51.100.4");
    assertThat(trusted.resolve("10.0.0.5", xff("6.6.6.6", "198.51.100.4"))).isEqualTo("198.51.100.4");
    // A caller inside the trusted range cannot walk the chain further left by sending a header.
    assertThat(trusted.resolve("10.0.0.5", xff("6.6.6.6, 10.0.0.9"))).isEqualTo("10.0.0.9");
    assertThat(trusted.resolve("10.0.0.5", xff("198.51.100.4, junk"))).isEqualTo("10.0.0.5");
    assertThat(trusted.resolve("10.0.0.5", Headers.of(Map.of()))).as("the proxy wrote nothing").isEqualTo("10.0.0.5");
  }

  @Test
  void moreHopsWalkPastTrustedProxiesButNeverFurtherThanConfigured() {
    ClientAddress twoHops = new ClientAddress(new TrustedProxies(CidrSet.parse(List.of("10.0.0.0/8")), "X-Forwarded-For", 2));
    assertThat(twoHops.resolve("10.0.0.5", xff("6.6.6.6, 198.51.100.4, 10.0.0.9"))).isEqualTo("198.51.100.4");
    assertThat(twoHops.resolve("10.0.0.5", xff("6.6.6.6, 10.1.1.1, 10.0.0.9"))).as("two entries at most").isEqualTo("10.1.1.1");
    assertThat(twoHops.resolve("10.0.0.5", xff("6.6.6.6, 198.51.100.7"))).as("the first untrusted entry ends the walk").isEqualTo("198.51.100.7");
    assertThat(twoHops.resolve("10.0.0.5", xff("junk, 10.0.0.9"))).isEqualTo("10.0.0.9");
  }

  @Test
  void onlyTheConfiguredHeaderIsRead() {
    CidrSet proxies = CidrSet.parse(List.of("10.0.0.0/8"));
    Headers both = Headers.of(Map.of("Forwarded", List.of("for=6.6.6.6"), "X-Forwarded-For", List.of("198.51.100.4"),
        "X-Real-IP", List.of("192.0.2.1")));
    assertThat(new ClientAddress(proxies).resolve("10.0.0.5", both)).as("Forwarded from the caller changes nothing").isEqualTo("198.51.100.4");
    assertThat(new ClientAddress(new TrustedProxies(proxies, "X-Real-IP", 1)).resolve("10.0.0.5", both)).isEqualTo("192.0.2.1");
    assertThat(new ClientAddress(new TrustedProxies(proxies, "Forwarded", 1)).resolve("10.0.0.5", both)).isEqualTo("6.6.6.6");
  }

  @Test
  void rfc7239ForwardedIsUnderstood() {
    ClientAddress trusted = new ClientAddress(new TrustedProxies(CidrSet.parse(List.of("10.0.0.0/8")), "forwarded", 1));
    Headers forwarded = Headers.of(Map.of("Forwarded", List.of("for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\"")));
    assertThat(trusted.resolve("10.0.0.5", forwarded)).isEqualTo("2001:db8:cafe::17");
    Headers v4port = Headers.of(Map.of("Forwarded", List.of("for=192.0.2.60:8080")));
    assertThat(trusted.resolve("10.0.0.5", v4port)).isEqualTo("192.0.2.60");
    Headers noFor = Headers.of(Map.of("Forwarded", List.of("for=192.0.2.60, proto=https")));
    assertThat(trusted.resolve("10.0.0.5", noFor)).as("an element without for= is no address").isEqualTo("10.0.0.5");
    Headers hidden = Headers.of(Map.of("Forwarded", List.of("for=_hidden")));
    assertThat(trusted.resolve("10.0.0.5", hidden)).isEqualTo("10.0.0.5");
  }
}
