package dev.esteira.cli;

import dev.esteira.report.Reports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write self-contained HTML reports (inline SVG charts and CSS, no script, no network needed to view): "
          + "one per model (versions, metrics, scoring per batch, shadow comparisons, prediction drift, "
          + "performance, stage log, model card) and one per monitored dataset (drift over time, distributions "
          + "from the stored profiles, null rates), plus an index.html.",
      "Without --model or --dataset: every registered model and every monitored dataset.",
      "Example: esteira report --model loan_default --out reports"
    })
final class ReportCommand extends BaseCommand {
  @Option(names = "--model", paramLabel = "M", description = "A model to report on (repeatable).")
  List<String> models = new ArrayList<>();

  @Option(names = "--dataset", paramLabel = "D", description = "A monitored dataset to report on (repeatable).")
  List<String> datasets = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "Folder of the reports (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("reports");

  @Override
  public Integer call() {
    boolean all = models.isEmpty() && datasets.isEmpty();
    Reports reports = new Reports(session().lake(), session().jobContext()::model, session().progress());
    List<Reports.Written> written = reports.write(out, all ? null : models, all ? null : datasets);
    List<List<Object>> rows = new ArrayList<>();
    for (Reports.Written w : written) {
      rows.add(List.of(w.kind(), w.name(), w.file().toString()));
    }
    out().table(List.of("kind", "name", "file"), rows, "(" + written.size() + " files)");
    return 0;
  }
}
