package dev.toolgate.server.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address literals only: nothing is looked up or contacted. */
class SpecialUseAddressesTest {
  static InetAddress literal(String text) throws Exception {
    return InetAddress.getByAddress(text, InetAddress.getByName(text).getAddress());
  }

  @ParameterizedTest
  @CsvSource({
      "127.0.0.1, loopback", "127.255.0.9, loopback", "::1, loopback",
      "10.1.2.3, private", "172.16.0.1, private", "172.31.255.255, private", "192.168.1.1, private", "fd12:3456::1, private", "fc00::1, private",
      "100.64.0.1, shared (carrier-grade NAT)", "100.127.255.254, shared (carrier-grade NAT)",
      "169.254.169.254, link-local", "fe80::1, link-local",
      "0.0.0.0, unspecified", "::, unspecified",
      "224.0.0.1, multicast or broadcast", "255.255.255.255, multicast or broadcast", "ff02::1, multicast or broadcast",
      "240.0.0.1, reserved", "192.0.0.8, reserved", "198.18.0.1, reserved",
      "192.0.2.1, documentation", "2001:db8::1, documentation",
      "64:ff9b::a00:1, IPv4-embedding IPv6", "2002:a00:1::1, IPv4-embedding IPv6", "2001::1, IPv4-embedding IPv6",
      "::a00:1, IPv4-embedding IPv6",
  })
  void specialUseAddressesAreNamed(String address, String kind) throws Exception {
    assertThat(SpecialUseAddresses.kind(literal(address))).as(address).isEqualTo(kind);
  }

  @ParameterizedTest
  @ValueSource(strings = {"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:8.8.8.8"})
  void ipv4MappedFormsAreNeverPublic(String address) throws Exception {
    // The JDK turns a mapped literal into the IPv4 address; raw 16-byte forms are refused as such.
    byte[] v4 = InetAddress.getByName(address).getAddress();
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(v4, 0, mapped, 12, 4);
    assertThat(SpecialUseAddresses.kind(java.net.Inet6Address.getByAddress(null, mapped, -1))).isEqualTo("IPv4-embedding IPv6");
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "11.0.0.1", "2606:4700::1111", "2a00:1450::1"})
  void publicAddressesPass(String address) throws Exception {
    assertThat(SpecialUseAddresses.kind(literal(address))).as(address).isNull();
  }
}
