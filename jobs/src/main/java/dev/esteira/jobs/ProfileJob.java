package dev.esteira.jobs;

import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.Monitoring;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Profiles every feature column of a batch in one pass and stores the profiles with their sketches. */
public final class ProfileJob implements Job {
  @Override
  public String name() {
    return "profile";
  }

  @Override
  public String summary() {
    return "Profile the feature columns of a dataset batch in one pass (mergeable sketches, stored)";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("dataset", "dataset name"),
        JobParam.required("batch", "batch to profile"));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    DatasetSpec spec = ctx.dataset(p.get("dataset"));
    var data = new Datasets(ctx.lake()).readBatch(spec.name(), p.get("batch"));
    List<ColumnProfile> profiles = Monitoring.profiler(ctx.lake(), ctx.config().drift()).profile(spec, data);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", profiles.get(0).target());
    out.put("dataset", spec.name());
    out.put("batch", data.version().batch());
    out.put("version", data.version().version());
    out.put("rows", profiles.get(0).rows());
    out.put("columns", profiles.stream().map(ColumnProfile::column).toList());
    return JobOutput.of(
        "profiled " + profiles.size() + " columns of " + spec.name() + " batch " + data.version().batch()
            + " (" + profiles.get(0).rows() + " rows)",
        out);
  }
}
