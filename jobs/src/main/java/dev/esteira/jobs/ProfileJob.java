package dev.esteira.jobs;

import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.Profiler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Profiles every feature column of a batch in one pass and stores the profiles. */
public final class ProfileJob implements Job {
  @Override
  public String name() {
    return "profile";
  }

  @Override
  public String summary() {
    return "Profile the feature columns of a dataset batch (histograms on the baseline's bin edges)";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("dataset", "dataset name"),
        JobParam.required("batch", "batch to profile"),
        JobParam.optional("baseline", "baseline batch whose bin edges to use (default: the batch itself)", null));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    DatasetSpec spec = ctx.dataset(p.get("dataset"));
    var data = new Datasets(ctx.lake()).readBatch(spec.name(), p.get("batch"));
    List<ColumnProfile> profiles =
        new Profiler(ctx.lake()).profile(spec, data, p.get("baseline"), ctx.config().drift().bins());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset", spec.name());
    out.put("batch", data.version().batch());
    out.put("version", data.version().version());
    out.put("columns", profiles.stream().map(ColumnProfile::column).toList());
    return JobOutput.of(
        "profiled " + profiles.size() + " columns of " + spec.name() + " batch " + data.version().batch()
            + " (" + data.version().rowCount() + " rows)",
        out);
  }
}
