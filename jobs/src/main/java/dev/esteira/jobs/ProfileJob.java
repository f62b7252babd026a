package dev.esteira.jobs;

import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.Monitoring;
import dev.esteira.monitor.Profiler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    Profiler profiler = Monitoring.profiler(ctx.lake(), ctx.config().drift());
    // The ingest profiles a batch in its own pass over it; a profile of this very version is not redone.
    Optional<List<ColumnProfile>> stored = profiler.storedFor(spec, data.version());
    List<ColumnProfile> profiles = stored.orElseGet(() -> profiler.profile(spec, data));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", profiles.get(0).target());
    out.put("dataset", spec.name());
    out.put("batch", data.version().batch());
    out.put("version", data.version().version());
    out.put("rows", profiles.get(0).rows());
    out.put("columns", profiles.stream().map(ColumnProfile::column).toList());
    out.put("profiled_by_ingest", stored.isPresent());
    String batch = spec.name() + " batch " + data.version().batch();
    long rows = profiles.get(0).rows();
    return JobOutput.of(
        stored.isPresent()
            ? batch + " already profiled by its ingest (" + profiles.size() + " columns, " + rows + " rows, version "
                + data.version().version() + ")"
            : "profiled " + profiles.size() + " columns of " + batch + " (" + rows + " rows)",
        out);
  }
}
