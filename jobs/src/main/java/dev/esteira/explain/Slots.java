package dev.esteira.explain;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of the user's columns each slot of the assembled feature vector comes from: a numeric column is
 * one slot, a categorical column as many as its one-hot encoding has. Contributions of a column's slots
 * are summed, so a person reads one number per column they declared.
 */
public record Slots(List<String> columns, int[] columnOfSlot) implements Serializable {
  public Slots {
    columns = List.copyOf(columns);
    for (int c : columnOfSlot) {
      if (c < 0 || c >= columns.size()) {
        throw new IllegalArgumentException("slot of no column: " + c);
      }
    }
  }

  /** Columns in vector order, each with its number of slots. */
  public static Slots of(Map<String, Integer> widths) {
    List<String> names = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    for (Map.Entry<String, Integer> e : widths.entrySet()) {
      for (int i = 0; i < e.getValue(); i++) {
        owner.add(names.size());
      }
      names.add(e.getKey());
    }
    return new Slots(names, owner.stream().mapToInt(Integer::intValue).toArray());
  }

  public int size() {
    return columnOfSlot.length;
  }

  /** Per-slot values summed per column, in {@link #columns()} order. */
  public double[] byColumn(double[] perSlot) {
    if (perSlot.length != columnOfSlot.length) {
      throw new IllegalArgumentException("expected " + columnOfSlot.length + " slots, got " + perSlot.length);
    }
    double[] out = new double[columns.size()];
    for (int s = 0; s < perSlot.length; s++) {
      out[columnOfSlot[s]] += perSlot[s];
    }
    return out;
  }

  /** The slots of each column (for permuting a column's one-hot slots together). */
  public Map<String, int[]> slotsByColumn() {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (int c = 0; c < columns.size(); c++) {
      final int col = c;
      out.put(columns.get(c), java.util.stream.IntStream.range(0, columnOfSlot.length)
          .filter(s -> columnOfSlot[s] == col).toArray());
    }
    return out;
  }
}
