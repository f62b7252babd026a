package dev.esteira.workflow;

import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's {@code when:}: {@code STEP.OUTPUT} (true when the output is truthy: true, a non-zero number,
 * a non-empty text or list), {@code !STEP.OUTPUT}, or {@code STEP.OUTPUT == VALUE} / {@code != VALUE}
 * (compared as text). A condition on a step that did not run (skipped) is false, whatever its form, so
 * that nothing runs on an output that was never produced.
 */
public record Condition(String text, boolean negated, String step, String output, String operator, String value) {
  private static final Pattern FORM = Pattern.compile(
      "\\s*(!)?\\s*([a-z][a-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)\\s*(?:(==|!=)\\s*(\\S(?:.*\\S)?))?\\s*");

  /** Parses a condition; {@code where} names the step for the one-line error. */
  public static Condition parse(String text, String where) {
    Matcher m = FORM.matcher(text == null ? "" : text);
    if (!m.matches() || (m.group(1) != null && m.group(4) != null)) {
      throw new WorkflowException(where + ": when: '" + text + "' is not STEP.OUTPUT, !STEP.OUTPUT or STEP.OUTPUT == VALUE");
    }
    String value = m.group(5);
    if (value != null && value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
      value = value.substring(1, value.length() - 1);
    }
    return new Condition(text.trim(), m.group(1) != null, m.group(2), m.group(3), m.group(4), value);
  }

  /** Evaluates on the outputs of the step it names; null when that step did not run. */
  public boolean holds(Map<String, Object> outputs) {
    if (outputs == null) {
      return false;
    }
    Object v = outputs.get(output);
    if (operator != null) {
      boolean equal = String.valueOf(v).equals(value);
      return operator.equals("==") == equal;
    }
    return negated != truthy(v);
  }

  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (v instanceof Map<?, ?> mp) {
      return !mp.isEmpty();
    }
    String s = v.toString();
    return !s.isEmpty() && !s.equalsIgnoreCase("false") && !s.equals("0");
  }

  @Override
  public String toString() {
    return text;
  }
}
