package io.kamacache.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** What a command prints: a table with aligned columns for people, or JSON for programs. */
final class Output {

  private Output() {}

  /** {@code value} as indented JSON; nulls are written, so every field is always there. */
  static void json(PrintWriter out, Object value) {
    out.println(new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(value));
    out.flush();
  }

  /** A table: a header row, then the rows, each column as wide as its widest cell, two spaces apart. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    Table row(Object... cells) {
      String[] text = new String[cells.length];
      for (int i = 0; i < cells.length; i++) {
        text[i] = cells[i] == null ? "-" : String.valueOf(cells[i]);
      }
      rows.add(text);
      return this;
    }

    void print(PrintWriter out) {
      int columns = rows.get(0).length;
      int[] widths = new int[columns];
      for (String[] row : rows) {
        for (int i = 0; i < columns; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns; i++) {
          line.append(row[i]);
          if (i < columns - 1) {
            line.append(" ".repeat(widths[i] - row[i].length() + 2));
          }
        }
        out.println(line.toString().stripTrailing());
      }
      out.flush();
    }
  }
}
