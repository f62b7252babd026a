package dev.esteira.ct;

import java.util.ArrayList;
import java.util.List;

/**
 * The labelled batches a challenger was trained on, in arrival order. The registry keeps it as the text
 * of the tag {@code ct.window}, written by {@link #format()} and read by {@link #parse(String)} only: a
 * comma-separated list, so a batch name that holds a comma (or is blank) is refused when the window is
 * built rather than split into two batches when it is read back.
 */
public record Window(List<String> batches) {
  static final String SEPARATOR = ",";

  public Window {
    batches = List.copyOf(batches);
    for (String b : batches) {
      if (b == null || b.isBlank() || b.contains(SEPARATOR)) {
        throw new IllegalArgumentException(
            "a training window cannot hold batch '" + b + "': batch names in a window must be non-blank and hold no '"
                + SEPARATOR + "'");
      }
    }
  }

  public static Window empty() {
    return new Window(List.of());
  }

  public boolean isEmpty() {
    return batches.isEmpty();
  }

  public String format() {
    return String.join(SEPARATOR, batches);
  }

  /** The window a tag's text holds; an absent or empty tag is the empty window. */
  public static Window parse(String text) {
    if (text == null || text.isEmpty()) {
      return empty();
    }
    List<String> out = new ArrayList<>();
    for (String b : text.split(SEPARATOR, -1)) {
      out.add(b);
    }
    return new Window(out);
  }

  @Override
  public String toString() {
    return batches.toString();
  }
}
