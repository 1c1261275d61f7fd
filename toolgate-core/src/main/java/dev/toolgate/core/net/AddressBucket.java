package dev.toolgate.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Which budget a client address counts against, for limits that slow one client down (failed
 * authentications, failed logins): an IPv4 address as it is, an IPv6 address by its /64, the
 * smallest network one subscriber is given. Counted per IPv6 address, one client would have 2^64
 * budgets, and every one of them would be one more key to keep.
 */
public final class AddressBucket {
  private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private AddressBucket() {}

  /** IPv4 as is, IPv6 as {@code <first 8 bytes in hex>::/64}; anything unparsable as itself; null or empty as {@code unknown}. */
  public static String of(String address) {
    if (address == null || address.isEmpty()) {
      return "unknown";
    }
    String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (literal.indexOf(':') < 0 || !IPV6_LITERAL.matcher(literal).matches()) {
      return literal; // IPv4 (or not an address at all)
    }
    try {
      byte[] bytes = InetAddress.getByName(literal).getAddress(); // contains ':': parsed as IPv6, never looked up
      return bytes.length == 16 ? HexFormat.of().formatHex(bytes, 0, 8) + "::/64" : literal;
    } catch (UnknownHostException e) {
      return literal;
    }
  }
}
