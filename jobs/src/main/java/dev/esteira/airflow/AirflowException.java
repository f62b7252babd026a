package dev.esteira.airflow;

import dev.esteira.EsteiraException;

/**
 * Something Airflow refused or could not do, in one line a user can act on: unreachable, bad
 * credentials, unknown DAG, duplicate run, failed run. It never holds a credential.
 */
public class AirflowException extends EsteiraException {
  private final int status;

  public AirflowException(String message) {
    this(message, 0, null);
  }

  public AirflowException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status Airflow answered, or 0 when there was no answer. */
  public int status() {
    return status;
  }
}
