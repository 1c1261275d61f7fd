package dev.toolgate.core.token;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Arrays;
import java.util.Optional;

/** Algorithms Toolgate signs its own tokens with. RS256 is the default for interoperability. */
public enum SigningAlgorithm {
  RS256(JWSAlgorithm.RS256),
  ES256(JWSAlgorithm.ES256),
  EDDSA(JWSAlgorithm.EdDSA);

  private final JWSAlgorithm jws;

  SigningAlgorithm(JWSAlgorithm jws) {
    this.jws = jws;
  }

  public JWSAlgorithm jws() {
    return jws;
  }

  /** Parses the JOSE name ({@code RS256}, {@code ES256}, {@code EdDSA}), case-insensitively. */
  public static Optional<SigningAlgorithm> parse(String name) {
    return Arrays.stream(values()).filter(a -> a.jws.getName().equalsIgnoreCase(name)).findFirst();
  }
}
