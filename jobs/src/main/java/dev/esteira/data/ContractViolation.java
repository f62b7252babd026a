package dev.esteira.data;

import dev.esteira.EsteiraException;
import java.util.List;

/** A batch refused whole by its dataset contract; lists every broken rule. */
public class ContractViolation extends EsteiraException {
  private final List<String> problems;

  public ContractViolation(String dataset, String batch, List<String> problems) {
    super(
        "batch '" + batch + "' refused by the contract of dataset '" + dataset + "': "
            + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
