package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.ml.Run;
import dev.esteira.ml.Runs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "Training runs (the runs table), as MLflow users know them: list and show.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class})
final class RunsCommand implements Runnable {
  @Override
  public void run() {
    throw new EsteiraException("give a runs command: list or show (see `esteira runs --help`)");
  }

  /** Metrics in a stable order, for a table cell: {@code accuracy=0.7100 auc_roc=0.7560}. */
  static String metrics(Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(metrics).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=')
        .append(v == null ? "null" : Output.number(v)));
    return sb.toString();
  }

  static Map<String, Object> document(Run r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run_id", r.runId());
    doc.put("model", r.model());
    doc.put("kind", r.kind());
    doc.put("status", r.status());
    doc.put("estimator", r.estimator());
    doc.put("params", Output.parsedJson(r.params()));
    doc.put("metrics", new TreeMap<>(r.metrics()));
    doc.put("slice_metrics", r.sliceMetrics());
    doc.put("dataset", r.dataset());
    doc.put("dataset_version", r.datasetVersion());
    doc.put("batch", r.batch());
    doc.put("train_rows", r.trainRows());
    doc.put("holdout_rows", r.holdoutRows());
    doc.put("config_hash", r.configHash());
    doc.put("code_version", r.codeVersion());
    doc.put("seed", r.seed());
    doc.put("spark_version", r.sparkVersion());
    doc.put("artifact_path", r.artifactPath());
    doc.put("error", r.error());
    doc.put("started_at", r.startedAt());
    doc.put("ended_at", r.endedAt());
    doc.put("duration_ms", r.durationMs());
    return doc;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List training runs, newest first.")
  static final class ListRuns extends BaseCommand {
    @Option(names = "--model", paramLabel = "MODEL", description = "Only the runs of this model.")
    String model;

    @Option(names = "--limit", paramLabel = "N", description = "At most N runs (default: ${DEFAULT-VALUE}).")
    int limit = 50;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new EsteiraException("runs list: --limit must be at least 1, got " + limit);
      }
      List<Run> runs = Runs.list(session().metadataLake(), model);
      if (out().json()) {
        out().result("", runs.stream().limit(limit).map(RunsCommand::document).toList());
        return 0;
      }
      List<List<Object>> rows = new ArrayList<>();
      for (Run r : runs.subList(0, Math.min(limit, runs.size()))) {
        List<Object> row = new ArrayList<>();
        row.add(r.runId());
        row.add(r.model());
        row.add(r.status());
        row.add(r.estimator());
        row.add(r.dataset() == null ? "" : r.dataset() + "@" + r.datasetVersion() + " (" + r.batch() + ")");
        row.add(metrics(r.metrics()));
        row.add(r.startedAt());
        row.add(r.durationMs());
        rows.add(row);
      }
      out().fullTable(List.of("run_id", "model", "status", "estimator", "trained_on", "metrics", "started_at", "duration_ms"),
          rows, runs.size() > limit ? "(first " + limit + " of " + runs.size() + " runs; use --limit)" : "(" + rows.size() + " runs)");
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one run: parameters, metrics per slice, lineage.")
  static final class Show extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RUN_ID") String runId;

    @Override
    public Integer call() {
      Run r = Runs.find(session().metadataLake(), runId).orElseThrow(() -> new EsteiraException(
          "unknown run '" + runId + "' (see `esteira runs list`)"));
      StringBuilder text = new StringBuilder();
      text.append("run ").append(r.runId()).append(" [").append(r.status()).append("]\n")
          .append("  model:          ").append(r.model()).append(" (").append(r.kind()).append(")\n")
          .append("  estimator:      ").append(r.estimator()).append(' ').append(r.params() == null ? "" : r.params()).append('\n')
          .append("  trained on:     ").append(r.dataset()).append(" version ").append(r.datasetVersion())
          .append(" (batch ").append(r.batch()).append(")\n")
          .append("  rows:           ").append(r.trainRows()).append(" train, ").append(r.holdoutRows()).append(" holdout\n")
          .append("  metrics:        ").append(metrics(r.metrics())).append('\n');
      new TreeMap<>(r.sliceMetrics()).forEach((slice, m) ->
          text.append("    ").append(slice).append(": ").append(metrics(m)).append('\n'));
      text.append("  seed:           ").append(r.seed()).append('\n')
          .append("  config hash:    ").append(r.configHash()).append('\n')
          .append("  code version:   ").append(r.codeVersion()).append(", Spark ").append(r.sparkVersion()).append('\n')
          .append("  artifact:       ").append(r.artifactPath()).append('\n')
          .append("  started:        ").append(r.startedAt() == null ? "" : Output.iso(r.startedAt()))
          .append(" (").append(r.durationMs()).append(" ms)");
      if (r.error() != null) {
        text.append("\n  error:          ").append(r.error());
      }
      out().result(text.toString(), document(r));
      return 0;
    }
  }
}
