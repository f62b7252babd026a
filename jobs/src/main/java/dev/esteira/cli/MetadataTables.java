package dev.esteira.cli;

import dev.esteira.data.DatasetTables;
import dev.esteira.lake.MetaTable;
import dev.esteira.ml.RunTables;
import dev.esteira.monitor.MonitorTables;
import dev.esteira.registry.RegistryTables;
import dev.esteira.scoring.PredictionTables;
import dev.esteira.workflow.WorkflowTables;
import java.util.List;
import java.util.Optional;

/** Every metadata table of the lakehouse, in the order migrations run (a table's migration may read a later one). */
final class MetadataTables {
  private MetadataTables() {}

  /** model_transitions before models: its migration reads the stages models kept in schema 1. */
  static final List<MetaTable> ALL =
      List.of(
          DatasetTables.DATASET_VERSIONS, RunTables.RUNS, RegistryTables.TRANSITIONS, RegistryTables.MODELS,
          PredictionTables.PREDICTIONS, MonitorTables.PROFILES, MonitorTables.DRIFT_METRICS,
          WorkflowTables.WORKFLOW_RUNS, dev.esteira.monitor.PerformanceTables.PERFORMANCE,
          dev.esteira.alerts.AlertTables.DELIVERIES, dev.esteira.explain.ExplainTables.EXPLANATIONS,
          dev.esteira.explain.ExplainTables.FEATURE_IMPORTANCE);

  /** The tables with a row per scored row (of each version that scored it): as large as the data. */
  static final java.util.Set<MetaTable> DATA_SIZED =
      java.util.Set.of(PredictionTables.PREDICTIONS, dev.esteira.explain.ExplainTables.EXPLANATIONS);

  static Optional<MetaTable> named(String name) {
    return ALL.stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst();
  }
}
