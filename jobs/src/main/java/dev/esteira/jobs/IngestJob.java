package dev.esteira.jobs;

import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.monitor.Monitoring;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ingests a batch file as a new version of a dataset, refused whole if it breaks the contract. */
public final class IngestJob implements Job {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String summary() {
    return "Ingest a CSV, Parquet or JSON batch as a dataset version, checked against its contract";
  }

  // The names Datasets accepts for a batch and a tag: a bad one is refused at planning, not after the read.
  private static final JobParam.Rule NAME =
      JobParam.Rule.matches(Datasets.NAME_PATTERN, "a name of letters, digits, '_', '.' and '-'");

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("dataset", "dataset name (its contract is conf/datasets/NAME.yaml)"),
        JobParam.required("path", "file or folder to ingest"),
        JobParam.required("batch", "batch name, e.g. day-03; re-ingesting a batch replaces it").must(NAME),
        JobParam.optional("input_format", "csv, parquet or json (default: the contract's format)", null)
            .must(JobParam.Rule.oneOfAnyCase(Datasets.INPUT_FORMATS)),
        JobParam.optional("tag", "tag to put on the new version", null).must(NAME));
  }

  @Override
  public List<String> outputs() {
    return List.of("batch", "version", "rows", "unchanged");
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    DatasetSpec spec = ctx.dataset(p.get("dataset"));
    Datasets datasets = new Datasets(ctx.lake());
    // The batch's feature columns are profiled in the contract's pass: the profile step then finds them done.
    Datasets.IngestResult r = Monitoring.profiler(ctx.lake(), ctx.config().drift())
        .ingestProfiled(datasets, spec, p.get("path"), p.get("input_format"), p.get("batch"));
    var version = r.version();
    if (p.get("tag") != null) {
      version = datasets.tag(spec.name(), version.version(), p.get("tag"));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("dataset", spec.name());
    data.put("batch", version.batch());
    data.put("version", version.version());
    data.put("rows", version.rowCount());
    data.put("unchanged", r.unchanged());
    data.put("content_fingerprint", version.contentFingerprint());
    String msg =
        r.unchanged()
            ? spec.name() + " batch " + version.batch() + " unchanged (version " + version.version() + ", "
                + version.rowCount() + " rows)"
            : spec.name() + " batch " + version.batch() + " ingested as version " + version.version() + " ("
                + version.rowCount() + " rows)";
    return JobOutput.of(msg, data);
  }
}
