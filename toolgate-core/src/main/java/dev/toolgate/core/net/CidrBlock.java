package dev.toolgate.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a /32 or /128. */
public record CidrBlock(byte[] network, int prefixLength, String text) {
  private static final Pattern V6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern V4_SHAPE = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern PREFIX = Pattern.compile("[0-9]{1,3}");

  /** Parses a CIDR block from configuration; the exception message says what is wrong. */
  public static CidrBlock parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address or CIDR block");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (!PREFIX.matcher(p).matches() || Integer.parseInt(p) > max) {
        throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + max);
      }
      prefix = Integer.parseInt(p);
    }
    byte[] masked = mask(bytes, prefix);
    if (!Arrays.equals(masked, bytes)) {
      throw new IllegalArgumentException("'" + text + "' has host bits set; did you mean " + format(masked) + "/" + prefix + "?");
    }
    return new CidrBlock(masked, prefix, s);
  }

  public boolean contains(byte[] address) {
    return address.length == network.length && Arrays.equals(mask(address, prefixLength), network);
  }

  /**
   * The bytes of an IP literal, or null when {@code text} is not one. Never resolves names: only
   * digits, dots, colons and hex are accepted before asking the JDK to parse.
   */
  public static byte[] literal(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return null;
    }
    byte[] canonical = canonicalV4(text);
    if (canonical != null) {
      return canonical;
    }
    String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    boolean v6 = t.indexOf(':') >= 0;
    if (!(v6 ? V6_CHARS : V4_SHAPE).matcher(t).matches() || !v6 && !octetsInRange(t)) {
      return null;
    }
    try {
      byte[] bytes = InetAddress.getByName(t).getAddress();
      // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it maps.
      if (bytes.length == 16 && isV4Mapped(bytes)) {
        return Arrays.copyOfRange(bytes, 12, 16);
      }
      return bytes;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * The bytes of a dotted quad in its canonical form (four decimal octets, 0-255, no leading zero),
   * as a connection's peer address always is; null for anything else, which takes the general path.
   * It is the per-call case, so it is read without a regex or the JDK's parser.
   */
  private static byte[] canonicalV4(String t) {
    byte[] out = new byte[4];
    int octet = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null; // a leading zero: some parsers read it as octal; the general path decides
        }
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.' && digits > 0 && octet < 3) {
        out[octet++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    if (octet != 3 || digits == 0) {
      return null;
    }
    out[3] = (byte) value;
    return out;
  }

  /**
   * Whether each octet of a dotted quad (already four groups of 1-3 digits) is at most 255. The JDK
   * does not read {@code 256.1.1.1} as a literal, and then asks the system resolver for it as a host
   * name: a blocking lookup, from an event loop, of a name a caller wrote.
   */
  private static boolean octetsInRange(String t) {
    int value = 0;
    for (int i = 0; i <= t.length(); i++) {
      char c = i < t.length() ? t.charAt(i) : '.';
      if (c == '.') {
        if (value > 255) {
          return false;
        }
        value = 0;
      } else {
        value = value * 10 + (c - '0');
      }
    }
    return true;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) return false;
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (bits == 0 ? 0 : 0xff << (8 - bits));
    }
    return out;
  }

  private static String format(byte[] b) {
    try {
      return InetAddress.getByAddress(b).getHostAddress();
    } catch (UnknownHostException e) {
      return "?";
    }
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CidrBlock c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }
}
