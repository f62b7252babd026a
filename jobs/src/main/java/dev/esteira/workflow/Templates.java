package dev.esteira.workflow;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fills {@code ${name}} placeholders; an unknown name is an error, never an empty string. */
final class Templates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private Templates() {}

  static String fill(String text, Map<String, String> values, String where) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = values.get(name);
      if (value == null) {
        throw new WorkflowException(
            where + ": unknown parameter '${" + name + "}' (known: " + values.keySet() + ")");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Resolves parameters that refer to other parameters, in as many rounds as it takes. */
  static Map<String, String> resolve(Map<String, String> raw, String where) {
    Map<String, String> values = new LinkedHashMap<>(raw);
    for (int round = 0; round < 10; round++) {
      boolean changed = false;
      for (Map.Entry<String, String> e : values.entrySet()) {
        if (e.getValue().contains("${")) {
          String filled = fill(e.getValue(), values, where + " param '" + e.getKey() + "'");
          if (!filled.equals(e.getValue())) {
            e.setValue(filled);
            changed = true;
          }
        }
      }
      if (!changed) {
        return values;
      }
    }
    throw new WorkflowException(where + ": parameters refer to each other in a loop");
  }
}
