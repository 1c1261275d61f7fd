package dev.toolgate.core.limit;

import java.util.List;

/** How a {@link QuotaRequest} was settled: data, one case per answer. */
public sealed interface QuotaOutcome {
  /** Everything was taken and recorded; one outcome per charge, in order. */
  record Granted(List<LimitOutcome> limits) implements QuotaOutcome {
    public Granted {
      limits = List.copyOf(limits);
    }
  }

  /** The charge at {@code index} found its bucket empty; nothing was taken or recorded. */
  record Limited(int index, LimitOutcome outcome) implements QuotaOutcome {}

  /** The once-only key at {@code index} is already held; nothing was taken or recorded. */
  record Used(int index) implements QuotaOutcome {}

  /** The shared state could not be asked (unreachable, slow); nothing is known to have changed. */
  record Unavailable(String reason) implements QuotaOutcome {}
}
