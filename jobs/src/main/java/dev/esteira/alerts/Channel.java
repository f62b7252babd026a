package dev.esteira.alerts;

/** Where an alert is delivered: one try at a time; {@link Alerts} retries with back-off and records each. */
interface Channel {
  /**
   * The outcome of one try: {@code sent}, or not; {@code permanent} when trying again cannot help (a
   * receiver that refuses the request itself). {@code response} is what the receiver said, for the table.
   */
  record Try(boolean sent, boolean permanent, String response) {
    static Try sent(String response) {
      return new Try(true, false, response);
    }

    static Try error(String response) {
      return new Try(false, false, response);
    }

    static Try refused(String response) {
      return new Try(false, true, response);
    }
  }

  /** Delivers {@code event} once (with its id as the idempotency key the receiver sees). */
  Try deliver(AlertEvent event);

  /** Longest text of a response kept in the table. */
  int RESPONSE_CHARS = 300;

  static String cut(String text) {
    if (text == null) {
      return null;
    }
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= RESPONSE_CHARS ? oneLine : oneLine.substring(0, RESPONSE_CHARS - 1) + "…";
  }
}
