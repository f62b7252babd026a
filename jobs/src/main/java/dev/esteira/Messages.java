package dev.esteira;

/** Turning messages of any origin (Jackson, Spark, Hadoop) into the one line a user is shown. */
public final class Messages {
  private Messages() {}

  /**
   * The first line that is not blank; an empty string for none. Spark's parse errors begin with a line
   * break, so the plain first line would be empty.
   */
  public static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    for (String line : message.split("\r?\n")) {
      if (!line.isBlank()) {
        return line;
      }
    }
    return "";
  }

  /**
   * The first line of the innermost cause's message (its class name when it has none): Spark and
   * Jackson wrap the useful sentence in layers of their own.
   */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return firstLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()).trim();
  }
}
