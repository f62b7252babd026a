package dev.esteira.data;

import java.util.List;

/** The results of a dataset's expectations on one version. */
public record ExpectationReport(String dataset, String batch, long version, List<Result> results) {
  public record Result(String expectation, String check, String column, Double value, boolean passed) {}

  public boolean passed() {
    return results.stream().allMatch(Result::passed);
  }

  public List<Result> failures() {
    return results.stream().filter(r -> !r.passed()).toList();
  }
}
