package dev.toolgate.core.credential;

import dev.toolgate.core.request.Headers;
import java.util.List;

/** The one value of a credential header, or why there is not exactly one. */
record HeaderValue(String value, Problem problem) {
  enum Problem { NONE, MISSING, REPEATED }

  static HeaderValue single(Headers headers, String name) {
    List<String> values = headers.all(name);
    if (values.isEmpty()) {
      return new HeaderValue(null, Problem.MISSING);
    }
    if (values.size() > 1) {
      // Two values could be read differently here and upstream; refuse rather than pick one.
      return new HeaderValue(null, Problem.REPEATED);
    }
    String value = values.get(0).strip();
    return value.isEmpty() ? new HeaderValue(null, Problem.MISSING) : new HeaderValue(value, Problem.NONE);
  }
}
