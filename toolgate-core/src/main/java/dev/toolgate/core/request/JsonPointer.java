package dev.toolgate.core.request;

import java.util.ArrayList;
import java.util.List;

/** RFC 6901 JSON Pointer syntax: {@code ""} is the whole document, {@code /a/b~1c} is a → "b/c". */
public final class JsonPointer {
  private JsonPointer() {}

  public static boolean isValid(String pointer) {
    if (pointer == null || !pointer.isEmpty() && pointer.charAt(0) != '/') {
      return false;
    }
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) == '~' && (i + 1 >= pointer.length() || pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1')) {
        return false;
      }
    }
    return true;
  }

  public static List<String> tokens(String pointer) {
    if (!isValid(pointer)) {
      throw new IllegalArgumentException("not a JSON Pointer");
    }
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }
}
