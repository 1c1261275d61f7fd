package dev.toolgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrBlockTest {

  @Test
  void canonicalDottedQuadsReadAsTheJdkReadsThem() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      String address = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
      assertThat(CidrBlock.literal(address)).as(address).isEqualTo(InetAddress.getByName(address).getAddress());
    }
    assertThat(CidrBlock.literal("0.0.0.0")).containsExactly(0, 0, 0, 0);
    assertThat(CidrBlock.literal("255.255.255.255")).containsExactly(-1, -1, -1, -1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"256.1.1.1", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/8", "1234.1.1.1",
      "1.2.3.-4", "1.2.3.4x", "localhost", "example.com", "0x7f.0.0.1", "1.2.3.4.5", ""})
  void whatIsNotAnAddressIsNoAddress(String text) {
    assertThat(CidrBlock.literal(text)).isNull();
  }

  @Test
  void nonCanonicalAndIpv6FormsTakeTheGeneralPath() {
    assertThat(CidrBlock.literal("::1")).hasSize(16);
    assertThat(CidrBlock.literal("[2001:db8::1]")).hasSize(16);
    assertThat(CidrBlock.literal("::ffff:10.1.2.3")).containsExactly(10, 1, 2, 3);
    // A leading zero is not read by the fast path; what it means is the JDK's answer, as before.
    assertThat(CidrBlock.literal("010.1.2.3")).isEqualTo(jdkOrNull("010.1.2.3"));
  }

  @Test
  void blocksContainTheirAddressesOnly() {
    CidrBlock block = CidrBlock.parse("10.0.0.0/8");
    assertThat(block.contains(CidrBlock.literal("10.200.3.4"))).isTrue();
    assertThat(block.contains(CidrBlock.literal("11.0.0.1"))).isFalse();
    assertThat(CidrBlock.parse("127.0.0.1").contains(CidrBlock.literal("127.0.0.1"))).isTrue();
    assertThatThrownBy(() -> CidrBlock.parse("10.0.0.1/8")).hasMessageContaining("did you mean 10.0.0.0/8");
    assertThatThrownBy(() -> CidrBlock.parse("10.0.0.0/33")).hasMessageContaining("prefix length outside 0-32");
  }

  /**
   * A dotted quad with an octet over 255 is no address, and is not asked of the resolver as a host
   * name either (the JDK does, for what it cannot read as a literal). A JVM of its own, whose hosts
   * file names two such "hosts", shows whether a lookup happened.
   */
  @Test
  void outOfRangeDottedQuadsAreNeverLookedUpAsNames() throws Exception {
    java.nio.file.Path hosts = java.nio.file.Files.createTempFile("toolgate-hosts", "");
    try {
      java.nio.file.Files.writeString(hosts, "10.9.8.7 256.1.1.1\n10.9.8.7 10.0.0.300\n");
      Process probe = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
          "256.1.1.1", "10.0.0.300", "10.0.0.3")
          .redirectErrorStream(true).start();
      String out = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(probe.waitFor()).as(out).isZero();
      assertThat(out.lines()).containsExactly("256.1.1.1 null", "10.0.0.300 null", "10.0.0.3 [10, 0, 0, 3]");
    } finally {
      java.nio.file.Files.deleteIfExists(hosts);
    }
  }

  /** Prints what {@link CidrBlock#literal} makes of each argument. */
  public static final class Probe {
    public static void main(String[] args) {
      for (String text : args) {
        byte[] bytes = CidrBlock.literal(text);
        System.out.println(text + " " + (bytes == null ? "null" : java.util.Arrays.toString(bytes)));
      }
    }
  }

  private static byte[] jdkOrNull(String text) {
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (Exception e) {
      return null;
    }
  }
}
