package dev.toolgate.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code server.tls}: the listener speaks TLS 1.2 and 1.3 only, with the certificate chain and key
 * in these PEM files, and reloads them when they change.
 *
 * @param certificate the server's certificate first, then the certificates that issued it
 * @param key its private key (PKCS#8, or the PKCS#1 RSA and SEC1 EC forms openssl writes), unencrypted
 * @param reloadInterval how often the files are looked at for a change (default 10 s)
 */
public record ServerTls(PemFile certificate, PemFile key, Duration reloadInterval) {
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);
  public static final Duration MIN_RELOAD_INTERVAL = Duration.ofSeconds(1);

  public ServerTls {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
  }
}
