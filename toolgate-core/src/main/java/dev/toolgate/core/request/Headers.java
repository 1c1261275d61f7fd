package dev.toolgate.core.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Request headers as verifiers see them: names are case-insensitive, a name may repeat. */
public interface Headers {
  /** Every value sent under {@code name}, in order; empty when absent. */
  List<String> all(String name);

  /** Headers from a plain map, for tests and in-process embedding. */
  static Headers of(Map<String, List<String>> map) {
    return name -> {
      List<String> values = new ArrayList<>();
      map.forEach((k, v) -> {
        if (k.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
          values.addAll(v);
        }
      });
      return values;
    };
  }
}
