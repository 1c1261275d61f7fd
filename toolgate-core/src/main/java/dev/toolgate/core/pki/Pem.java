package dev.toolgate.core.pki;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The blocks of PEM text (RFC 7468): {@code -----BEGIN LABEL-----}, base64, {@code -----END LABEL-----}.
 * Text between blocks is ignored, as openssl writes it ("Bag Attributes", comments); inside a block
 * only base64 is accepted, except the RFC 1421 headers of an encrypted legacy key, which are noted.
 */
public final class Pem {
  /** Largest PEM file read: a certificate chain or a CA bundle of a few hundred certificates. */
  public static final int MAX_BYTES = 1 << 20;

  /**
   * One block.
   *
   * @param label what the block holds, e.g. {@code CERTIFICATE}, {@code PRIVATE KEY}
   * @param der its bytes
   * @param encrypted whether the block carries {@code Proc-Type: 4,ENCRYPTED} (an encrypted legacy key)
   */
  public record Block(String label, byte[] der, boolean encrypted) {}

  private Pem() {}

  /**
   * The blocks in file order.
   *
   * @throws IllegalArgumentException naming what is wrong (never quoting the content: it may be a key)
   */
  public static List<Block> parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    List<Block> blocks = new ArrayList<>();
    String label = null;
    boolean encrypted = false;
    StringBuilder base64 = new StringBuilder();
    int lineNumber = 0;
    for (String raw : text.split("\r?\n", -1)) {
      lineNumber++;
      String line = raw.strip();
      if (label == null) {
        if (line.startsWith("-----BEGIN ")) {
          label = label(line, "-----BEGIN ", lineNumber);
          encrypted = false;
          base64.setLength(0);
        }
        continue;
      }
      if (line.startsWith("-----END ")) {
        String end = label(line, "-----END ", lineNumber);
        if (!end.equals(label)) {
          throw new IllegalArgumentException("line " + lineNumber + ": -----END " + end + "----- closes a -----BEGIN " + label + "----- block");
        }
        blocks.add(new Block(label, decode(base64, label, lineNumber), encrypted));
        label = null;
        continue;
      }
      if (line.startsWith("-----BEGIN ")) {
        throw new IllegalArgumentException("line " + lineNumber + ": a block begins inside the " + label + " block begun earlier (its -----END line is missing)");
      }
      int colon = line.indexOf(':');
      if (colon > 0) { // an RFC 1421 header of a legacy key: Proc-Type, DEK-Info
        encrypted |= line.toUpperCase(Locale.ROOT).replace(" ", "").startsWith("PROC-TYPE:4,ENCRYPTED");
        continue;
      }
      base64.append(line);
    }
    if (label != null) {
      throw new IllegalArgumentException("the " + label + " block has no -----END " + label + "----- line");
    }
    return blocks;
  }

  /** The blocks labelled {@code label}. */
  public static List<Block> withLabel(List<Block> blocks, String label) {
    return blocks.stream().filter(b -> b.label().equals(label)).toList();
  }

  /** PEM text of {@code der} under {@code label}, lines of 64 characters. */
  public static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static String label(String line, String prefix, int lineNumber) {
    if (!line.endsWith("-----") || line.length() < prefix.length() + 5) {
      throw new IllegalArgumentException("line " + lineNumber + ": a " + prefix.strip() + " line must end with -----");
    }
    return line.substring(prefix.length(), line.length() - 5);
  }

  private static byte[] decode(StringBuilder base64, String label, int lineNumber) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + label + " block ending at line " + lineNumber + " is not valid base64");
    }
    if (der.length == 0) {
      throw new IllegalArgumentException("the " + label + " block ending at line " + lineNumber + " is empty");
    }
    return der;
  }
}
