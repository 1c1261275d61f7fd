package dev.toolgate.core.pki;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * An unencrypted private key from PEM: PKCS#8 ({@code PRIVATE KEY}), or the legacy forms openssl
 * still writes, PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), which are
 * wrapped into PKCS#8 here (the JDK reads only that). RSA, EC, Ed25519 and Ed448 keys.
 */
final class PrivateKeys {
  /** rsaEncryption, with its NULL parameters. */
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
  /** id-ecPublicKey (1.2.840.10045.2.1). */
  private static final byte[] EC_OID = hex("06072a8648ce3d0201");
  private static final List<String> LABELS = List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  private PrivateKeys() {}

  /**
   * The one private key among the blocks.
   *
   * @throws IllegalArgumentException naming what is wrong (never the key's content)
   */
  static PrivateKey parse(List<Pem.Block> blocks) {
    if (!Pem.withLabel(blocks, "ENCRYPTED PRIVATE KEY").isEmpty() || blocks.stream().anyMatch(Pem.Block::encrypted)) {
      throw new IllegalArgumentException("the private key is encrypted; Toolgate reads an unencrypted key (protect the file with its"
          + " permissions instead): `openssl pkey -in encrypted.pem -out key.pem` decrypts it");
    }
    List<Pem.Block> keys = blocks.stream().filter(b -> LABELS.contains(b.label())).toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("holds no private key (a -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY block)");
    }
    if (keys.size() > 1) {
      throw new IllegalArgumentException("holds " + keys.size() + " private keys; it must hold the one key of the certificate");
    }
    Pem.Block block = keys.get(0);
    byte[] pkcs8 = switch (block.label()) {
      case "RSA PRIVATE KEY" -> wrap(RSA_ALGORITHM, block.der());
      case "EC PRIVATE KEY" -> wrap(sequence(EC_OID, curveOf(block.der())), block.der());
      default -> block.der();
    };
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException("the " + block.label() + " block is not an RSA, EC, Ed25519 or Ed448 private key this JVM can read");
  }

  /** PrivateKeyInfo (RFC 5208): version 0, the algorithm, the key as an OCTET STRING. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    return sequence(hex("020100"), algorithm, tlv(0x04, key));
  }

  /**
   * The named curve of a SEC1 ECPrivateKey (RFC 5915): {@code SEQUENCE { INTEGER 1, OCTET STRING,
   * [0] OID, [1] BIT STRING }}; the parameters are optional there but needed for PKCS#8.
   */
  private static byte[] curveOf(byte[] sec1) {
    Der outer = new Der(sec1, 0);
    if (outer.tag != 0x30) {
      throw new IllegalArgumentException("the EC PRIVATE KEY block is not a SEC1 key");
    }
    int at = outer.valueStart;
    while (at < outer.end) {
      Der field = new Der(sec1, at);
      if (field.tag == 0xa0) {
        Der oid = new Der(sec1, field.valueStart);
        if (oid.tag == 0x06) {
          return java.util.Arrays.copyOfRange(sec1, field.valueStart, oid.end);
        }
      }
      at = field.end;
    }
    throw new IllegalArgumentException("the EC PRIVATE KEY block does not name its curve; write the key as PKCS#8:"
        + " `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`");
  }

  /** One DER element: tag, where its value starts, where it ends. */
  private static final class Der {
    final int tag;
    final int valueStart;
    final int end;

    Der(byte[] der, int at) {
      if (at + 2 > der.length) {
        throw new IllegalArgumentException("the private key's DER encoding is cut short");
      }
      tag = der[at] & 0xff;
      int length = der[at + 1] & 0xff;
      int start = at + 2;
      if (length >= 0x80) {
        int count = length & 0x7f;
        if (count == 0 || count > 3 || start + count > der.length) {
          throw new IllegalArgumentException("the private key's DER encoding has an invalid length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (der[start + i] & 0xff);
        }
        start += count;
      }
      if (start + length > der.length) {
        throw new IllegalArgumentException("the private key's DER encoding is cut short");
      }
      valueStart = start;
      end = start + length;
    }
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      body.writeBytes(part);
    }
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] hex(String text) {
    return java.util.HexFormat.of().parseHex(text);
  }
}
