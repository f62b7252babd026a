package dev.esteira;

/** Turning messages of any origin (Jackson, Spark, Hadoop) into the one line a user is shown. */
public final class Messages {
  private Messages() {}

  /** The text up to the first line break; an empty string for none. */
  public static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
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
