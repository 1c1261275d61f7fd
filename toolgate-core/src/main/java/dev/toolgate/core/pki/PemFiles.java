package dev.toolgate.core.pki;

import dev.toolgate.core.config.PemFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reading the PEM files a configuration names; every problem is a {@code file:line: field: problem} error. */
public final class PemFiles {
  private PemFiles() {}

  /** The file's bytes, at most {@link Pem#MAX_BYTES}. */
  public static byte[] read(PemFile file) {
    Path path;
    try {
      path = Path.of(file.path());
    } catch (InvalidPathException e) {
      throw file.error("invalid file path: " + e.getReason());
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(Pem.MAX_BYTES + 1);
      if (bytes.length > Pem.MAX_BYTES) {
        throw file.error("cannot read " + path + ": it is larger than " + Pem.MAX_BYTES / 1024 + " KiB, which no PEM certificate or key file is");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw file.error("cannot read " + path + ": no such file");
    } catch (AccessDeniedException e) {
      throw file.error("cannot read " + path + ": permission denied (the file must be readable by the user Toolgate runs as)");
    } catch (IOException | SecurityException e) {
      throw file.error("cannot read " + path + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
  }

  /** The PEM blocks of the file's bytes. */
  public static List<Pem.Block> blocks(PemFile file, byte[] bytes) {
    try {
      return Pem.parse(bytes);
    } catch (IllegalArgumentException e) {
      throw file.error(file.path() + " is not a valid PEM file: " + e.getMessage());
    }
  }

  /** Every {@code CERTIFICATE} block of the file, in order; at least one. */
  public static List<X509Certificate> certificates(PemFile file, byte[] bytes) {
    List<Pem.Block> blocks = Pem.withLabel(blocks(file, bytes), "CERTIFICATE");
    if (blocks.isEmpty()) {
      throw file.error(file.path() + " holds no certificate (a -----BEGIN CERTIFICATE----- block)");
    }
    List<X509Certificate> out = new ArrayList<>(blocks.size());
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (int i = 0; i < blocks.size(); i++) {
        try {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(blocks.get(i).der())));
        } catch (CertificateException e) {
          throw file.error("certificate " + (i + 1) + " of " + file.path() + " is not a valid X.509 certificate");
        }
      }
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
    }
    return out;
  }
}
