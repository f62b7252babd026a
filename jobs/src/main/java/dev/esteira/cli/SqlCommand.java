package dev.esteira.cli;

import dev.esteira.data.DatasetTables;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.MetaTable;
import dev.esteira.ml.RunTables;
import dev.esteira.monitor.MonitorTables;
import dev.esteira.registry.RegistryTables;
import dev.esteira.workflow.WorkflowTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run Spark SQL over the lakehouse. Every metadata table is a view of its name (dataset_versions, "
          + "runs, models, model_transitions, predictions, profiles, drift_metrics, workflow_runs), and "
          + "every dataset is a view of its name (e.g. loans).",
      "Example: esteira sql \"SELECT batch, count(*) FROM predictions GROUP BY batch\""
    })
final class SqlCommand extends BaseCommand {
  /** Every metadata table, for views and for the README. */
  static final List<MetaTable> TABLES =
      List.of(
          DatasetTables.DATASET_VERSIONS, RunTables.RUNS, RegistryTables.MODELS, RegistryTables.TRANSITIONS,
          MonitorTables.PREDICTIONS, MonitorTables.PROFILES, MonitorTables.DRIFT_METRICS,
          WorkflowTables.WORKFLOW_RUNS);

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N rows (default: ${DEFAULT-VALUE}).")
  int limit = 200;

  @Override
  public Integer call() {
    Lakehouse lake = session().lake();
    registerViews(lake);
    Dataset<Row> result = lake.spark().sql(query);
    List<Row> rows = result.limit(limit + 1).collectAsList();
    List<List<Object>> cells = new ArrayList<>();
    for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
      List<Object> cell = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        cell.add(r.get(i));
      }
      cells.add(cell);
    }
    String caption = rows.size() > limit ? "(first " + limit + " rows; use --limit)" : "(" + cells.size() + " rows)";
    out().table(List.of(result.columns()), cells, caption);
    return 0;
  }

  static void registerViews(Lakehouse lake) {
    lake.registerViews(TABLES);
    for (Row r : lake.read(DatasetTables.DATASET_VERSIONS).select("dataset").distinct().collectAsList()) {
      String name = r.getString(0);
      if (lake.isDeltaTable(lake.datasetPath(name))) {
        lake.spark().read().format("delta").load(lake.datasetPath(name)).createOrReplaceTempView(name);
      }
    }
  }
}
