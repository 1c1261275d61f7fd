package dev.toolgate.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A fuzz input split the way the multi-part fuzz tests read it, so their seeds stay plain text:
 * the first {@code count} lines (one byte per character, as HTTP carries header bytes; a missing
 * line is empty), then everything after them as raw bytes.
 */
public record FuzzInput(String[] lines, byte[] rest) {

  public static FuzzInput split(byte[] input, int count) {
    String[] lines = new String[count];
    int from = 0;
    for (int i = 0; i < count; i++) {
      int end = from;
      while (end < input.length && input[end] != '\n') {
        end++;
      }
      lines[i] = new String(input, from, end - from, StandardCharsets.ISO_8859_1);
      from = Math.min(input.length, end + 1);
    }
    return new FuzzInput(lines, Arrays.copyOfRange(input, from, input.length));
  }

  public String line(int index) {
    return lines[index];
  }
}
