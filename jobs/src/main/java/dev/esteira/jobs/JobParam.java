package dev.esteira.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A parameter of a job: snake_case in workflow YAML, {@code --kebab-case} on the command line. Like
 * Spark ML's {@code Param}s it has a type and a rule, checked by {@link JobParams#of} when the
 * parameters are given, so a workflow refuses a bad value at planning, before any step runs.
 */
public record JobParam(
    String name, String description, boolean required, String defaultValue, boolean flag, Type type, Rule rule) {

  /** How a value given as text is read. */
  public enum Type {
    TEXT("text"),
    WHOLE_NUMBER("a whole number"),
    BOOLEAN("true or false"),
    LIST("a comma-separated list");

    private final String says;

    Type(String says) {
      this.says = says;
    }

    /** What a value must be, for the one-line error. */
    public String says() {
      return says;
    }

    /** The value read as this type, or {@link IllegalArgumentException} when it is not one. */
    public Object parse(String text) {
      String v = text.trim();
      return switch (this) {
        case TEXT -> text;
        case WHOLE_NUMBER -> Long.parseLong(v);
        case BOOLEAN -> switch (v.toLowerCase(Locale.ROOT)) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException(v);
        };
        case LIST -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      };
    }
  }

  /** A rule on the typed value, with the words that complete "must be …" in its error. */
  public record Rule(String says, Predicate<Object> holds) {
    /** Any value of the type. */
    public static final Rule ANY = new Rule("any value", v -> true);

    public static Rule atLeast(long min) {
      return new Rule("at least " + min, v -> ((Long) v) >= min);
    }

    public static Rule oneOf(String... allowed) {
      List<String> values = List.of(allowed);
      return new Rule("one of " + String.join(", ", values), v -> values.contains(String.valueOf(v)));
    }

    /**
     * One of {@code allowed}, in any case: for values the job lower-cases itself (stages, input
     * formats), so that what it accepts today is not refused.
     */
    public static Rule oneOfAnyCase(List<String> allowed) {
      return new Rule(
          "one of " + String.join(", ", allowed),
          v -> allowed.stream().anyMatch(a -> a.equalsIgnoreCase(String.valueOf(v))));
    }

    /** Text matching {@code regex} in full; {@code says} completes "must be …". */
    public static Rule matches(String regex, String says) {
      return new Rule(says, v -> String.valueOf(v).matches(regex));
    }
  }

  public static JobParam required(String name, String description) {
    return new JobParam(name, description, true, null, false, Type.TEXT, Rule.ANY);
  }

  public static JobParam optional(String name, String description, String defaultValue) {
    return new JobParam(name, description, false, defaultValue, false, Type.TEXT, Rule.ANY);
  }

  public static JobParam flag(String name, String description) {
    return new JobParam(name, description, false, "false", true, Type.BOOLEAN, Rule.ANY);
  }

  /** This parameter read as {@code type}. */
  public JobParam as(Type type) {
    return new JobParam(name, description, required, defaultValue, flag, type, rule);
  }

  /** This parameter with a rule its typed value must meet. */
  public JobParam must(Rule rule) {
    return new JobParam(name, description, required, defaultValue, flag, type, rule);
  }

  /**
   * The type and rule in words, for {@code --help}: "a whole number, at least 0", "one of staging, …",
   * "text". A flag is a switch on the command line but true or false in a workflow's YAML.
   */
  public String kind() {
    if (flag) {
      return "a switch (in a workflow: true or false)";
    }
    if (rule == Rule.ANY) {
      return type.says();
    }
    // "text, one of a, b" says nothing more than "one of a, b".
    return type == Type.TEXT ? rule.says() : type.says() + ", " + rule.says();
  }

  public String option() {
    return "--" + name.replace('_', '-');
  }

  /**
   * The problem with a value given as text ("must be …, got '…'"), or null when it has the type and
   * meets the rule.
   */
  public String problem(String text) {
    Object typed;
    try {
      typed = type.parse(text);
    } catch (IllegalArgumentException e) {
      return "must be " + type.says() + ", got '" + text + "'";
    }
    return rule.holds().test(typed) ? null : "must be " + rule.says() + ", got '" + text + "'";
  }
}
