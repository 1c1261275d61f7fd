package dev.toolgate.core.limit;

import java.util.List;

/**
 * What one call asks of the shared state, settled as one atomic step (see {@link dev.toolgate.core.port.CallQuota}):
 * none of {@code once} may be used yet, every bucket of {@code charges} must hold a token; then all
 * tokens are taken and every key of {@code once} is recorded. Otherwise nothing changes.
 */
public record QuotaRequest(List<Charge> charges, List<OnceKey> once) {
  public QuotaRequest {
    charges = List.copyOf(charges);
    once = List.copyOf(once);
  }

  public static QuotaRequest charge(Charge charge) {
    return new QuotaRequest(List.of(charge), List.of());
  }

  public boolean isEmpty() {
    return charges.isEmpty() && once.isEmpty();
  }
}
