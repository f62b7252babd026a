package dev.esteira;

/**
 * An error a user can act on: bad input, bad configuration, an unknown name. Its message is one line
 * that says what and where; the CLI prints it as is and exits non-zero, without a stack trace.
 */
public class EsteiraException extends RuntimeException {
  public EsteiraException(String message) {
    super(message);
  }

  public EsteiraException(String message, Throwable cause) {
    super(message, cause);
  }
}
