package dev.esteira.jobs;

import dev.esteira.EsteiraException;
import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.data.ExpectationReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a dataset's expectations on an ingested batch and fails when any does not hold. */
public final class ValidateJob implements Job {
  @Override
  public String name() {
    return "validate";
  }

  @Override
  public String summary() {
    return "Check a dataset batch against its expectations and record the results with its version";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("dataset", "dataset name"),
        JobParam.required("batch", "batch to validate"));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    DatasetSpec spec = ctx.dataset(p.get("dataset"));
    ExpectationReport report = new Datasets(ctx.lake()).validate(spec, p.get("batch"));
    if (!report.passed()) {
      throw new EsteiraException(
          "dataset '" + spec.name() + "' batch '" + report.batch() + "' (version " + report.version()
              + ") failed expectations: "
              + report.failures().stream().map(f -> f.expectation() + " was " + f.value()).toList());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("dataset", spec.name());
    data.put("batch", report.batch());
    data.put("version", report.version());
    data.put("results", report.results());
    return JobOutput.of(
        spec.name() + " batch " + report.batch() + ": " + report.results().size() + " expectations passed",
        data);
  }
}
