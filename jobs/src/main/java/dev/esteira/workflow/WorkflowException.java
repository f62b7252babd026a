package dev.esteira.workflow;

import dev.esteira.EsteiraException;

/** A workflow that cannot run (bad DAG, bad parameters) or that failed at a step. */
public class WorkflowException extends EsteiraException {
  public WorkflowException(String message) {
    super(message);
  }

  public WorkflowException(String message, Throwable cause) {
    super(message, cause);
  }
}
