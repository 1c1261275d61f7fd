package dev.toolgate.server.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Plain aligned text tables for list commands. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = cells[i] == null ? "-" : cells[i] instanceof Instant t ? t.toString() : String.valueOf(cells[i]);
    }
    rows.add(r);
    return this;
  }

  void print(PrintWriter out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    if (rows.size() == 1) {
      out.println("(none)");
    }
    out.flush();
  }
}
