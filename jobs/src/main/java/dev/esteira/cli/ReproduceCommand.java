package dev.esteira.cli;

import dev.esteira.jobs.Reproduction;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    description = {
      "Retrain a registered model version from its lineage (the dataset version and batch it was trained on, "
          + "the spec recorded in its artifact, its seed) and compare: every metric and slice metric bit for bit, "
          + "and every prediction on the training batch.",
      "Exit code 0 when everything is identical, 1 when anything differs (listed). The retraining is recorded "
          + "in runs as kind 'reproduce'; the version itself is never changed."
    })
final class ReproduceCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "MODEL") String model;

  @Parameters(index = "1", paramLabel = "VERSION", description = "A version number or an alias.") String version;

  @Option(names = "--dataset-version", paramLabel = "N",
      description = "Retrain on the batch as of this dataset version instead of the recorded one (a what-if: "
          + "expect differences when the data differ).")
  Long datasetVersion;

  @Override
  public Integer call() {
    Session s = session();
    Registry registry = new Registry(s.lake());
    ModelVersion v = registry.resolve(model, version);
    ModelSpec current = s.jobContext().model(model);
    Reproduction.Result r = new Reproduction(s.lake(), s.progress()).reproduce(v, current, datasetVersion);
    StringBuilder text = new StringBuilder();
    text.append(v.model()).append(" v").append(v.version()).append(": ")
        .append(r.identical() ? "reproduced identically" : "NOT reproduced").append('\n')
        .append("  trained on:   ").append(v.dataset()).append(" version ").append(r.datasetVersion())
        .append(" (batch ").append(v.batch()).append(r.datasetVersionAsRecorded() ? ", as recorded)" : ", recorded: version " + v.datasetVersion() + ")").append('\n')
        .append("  spec:         ").append(r.specSource()).append(r.configIdentical() ? "" : " (config hash differs from the recorded one)").append('\n')
        .append("  code version: ").append(r.codeVersionIdentical() ? "as recorded" : "differs from the recorded " + v.codeVersion()).append('\n')
        .append("  runs:         original ").append(r.original().runId()).append(", reproduction ").append(r.reproduced().runId()).append('\n')
        .append("  metrics:      ").append(r.metricsIdentical() ? "identical (" + r.original().metrics().size() + " overall, "
            + (r.original().sliceMetrics() == null ? 0 : r.original().sliceMetrics().size()) + " slices)" : "differ").append('\n');
    for (Reproduction.Difference d : r.metricDifferences()) {
      text.append("    ").append(d.metric()).append(": ").append(d.original()).append(" -> ").append(d.reproduced()).append('\n');
    }
    for (Reproduction.Difference d : r.sliceDifferences()) {
      text.append("    ").append(d.metric()).append(": ").append(d.original()).append(" -> ").append(d.reproduced()).append('\n');
    }
    text.append("  predictions:  ").append(r.predictionsIdentical()
        ? "identical on all " + r.rowsCompared() + " rows"
        : r.predictionsDiffering() + " of " + r.rowsCompared() + " rows differ (largest prediction difference "
            + String.format(Locale.ROOT, "%.6g", r.maxPredictionDifference()) + ")");
    out().result(text.toString(), r.toMap());
    if (!r.identical()) {
      System.err.println("esteira: error: " + v.model() + " v" + v.version() + " not reproduced: "
          + (r.metricsIdentical() ? "" : (r.metricDifferences().size() + r.sliceDifferences().size()) + " metrics differ; ")
          + r.predictionsDiffering() + " of " + r.rowsCompared() + " predictions differ");
      return 1;
    }
    return 0;
  }
}
