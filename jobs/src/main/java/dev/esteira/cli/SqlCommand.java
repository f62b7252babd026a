package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.MetaTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a read-only Spark SQL query over the lakehouse. Every metadata table is a view of its name "
          + "(dataset_versions, runs, models, model_transitions, predictions, profiles, drift_metrics, "
          + "workflow_runs), model_versions shows every model version with its current stage and aliases, "
          + "and every dataset is a view of its name (e.g. loans).",
      "Queries that write (INSERT, UPDATE, DELETE, MERGE, DROP, RESTORE, ...) are refused unless "
          + "--allow-writes is given, and even then the metadata tables stay read-only: they change only "
          + "through Esteira's own operations.",
      "Example: esteira sql \"SELECT batch, count(*) FROM predictions GROUP BY batch\""
    })
final class SqlCommand extends BaseCommand {
  /** Every metadata table, for views and for the README. */
  static final List<MetaTable> TABLES = MetadataTables.ALL;

  /** A view over models and model_transitions: each version with the state its log gives it. */
  static final String MODEL_VERSIONS_VIEW = dev.esteira.registry.RegistryViews.MODEL_VERSIONS;

  /** Read-only commands that parse to a logical Command but change nothing. */
  private static final Set<String> READ_ONLY_COMMANDS =
      Set.of("DescribeRelation", "DescribeColumn", "DescribeFunction", "DescribeNamespace", "ShowTables",
          "ShowViews", "ShowColumns", "ShowFunctions", "ShowNamespaces", "ShowPartitions",
          "ShowTableProperties", "ShowCreateTable", "ExplainCommand", "DescribeDeltaHistory",
          "DescribeDeltaDetailCommand", "DescribeDeltaHistoryCommand", "ShowTablesCommand", "DescribeTableCommand");

  private static final Pattern NOT_FOUND =
      Pattern.compile("(?:TABLE_OR_VIEW_NOT_FOUND|Table or view not found)[^`]*`([^`]+)`");

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N rows (default: ${DEFAULT-VALUE}).")
  int limit = 200;

  @Option(names = "--allow-writes",
      description = "Let the query write to datasets and other tables (it can destroy data). Metadata tables stay read-only.")
  boolean allowWrites;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new EsteiraException("sql: --limit must be 0 or more, got " + limit);
    }
    // A query that only reads needs an existing lakehouse; one that writes may create its tables.
    Lakehouse lake = allowWrites ? session().lake() : session().readLake();
    LogicalPlan parsed = parse(lake, query);
    String write = writeIn(parsed);
    if (write != null && !allowWrites) {
      throw new EsteiraException(
          "sql: refused a query that writes (" + write + "): `esteira sql` is read-only; metadata tables change "
              + "only through Esteira's commands, and other tables only with --allow-writes");
    }
    if (write != null) {
      refuseMetadataPaths(lake, query);
    }
    Set<String> views = new HashSet<>();
    List<Row> rows;
    Dataset<Row> result;
    try {
      result = withViews(lake, query, write != null, views);
      rows = result.limit(limit + 1).collectAsList();
    } catch (RuntimeException e) {
      throw write == null ? e : refusedOnMetadata(e, views);
    } finally {
      // Views belong to this command's lakehouse: a later command in the same JVM (tests, one SparkSession)
      // may name another lakehouse, and must not see these.
      views.addAll(List.of("models", "model_transitions"));
      views.forEach(v -> lake.spark().catalog().dropTempView(v));
    }
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

  private static LogicalPlan parse(Lakehouse lake, String query) {
    try {
      return lake.spark().sessionState().sqlParser().parsePlan(query);
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) {
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
      // Spark's message says what and where: "[PARSE_SYNTAX_ERROR] Syntax error at or near ..." 
      throw new EsteiraException("sql: " + dev.esteira.Messages.firstLine(String.valueOf(e.getMessage())).trim());
    }
  }

  /** The first node of the plan that writes or changes something, or null for a query that only reads. */
  static String writeIn(LogicalPlan plan) {
    String name = plan.getClass().getSimpleName();
    boolean command = plan instanceof org.apache.spark.sql.catalyst.plans.logical.Command;
    boolean statement = name.endsWith("Statement") || plan.getClass().getName().startsWith("org.apache.spark.sql.delta");
    if ((command || statement) && !READ_ONLY_COMMANDS.contains(name)) {
      return name;
    }
    if (name.equals("ExplainCommand")) {
      return null;
    }
    for (LogicalPlan child : scala.collection.JavaConverters.seqAsJavaList(plan.children())) {
      String w = writeIn(child);
      if (w != null) {
        return w;
      }
    }
    return null;
  }

  /**
   * A query that writes and failed after a metadata table's view was registered for it: the view is a
   * read-only copy, and Spark's own failure to write through it (an analysis error or an unsupported
   * operation, depending on the statement) becomes the documented one-line refusal.
   */
  private static RuntimeException refusedOnMetadata(RuntimeException e, Set<String> views) {
    List<String> metadata = views.stream()
        .filter(v -> v.equals(MODEL_VERSIONS_VIEW) || MetadataTables.named(v).isPresent()).sorted().toList();
    if (metadata.isEmpty() || e instanceof EsteiraException) {
      return e;
    }
    return new EsteiraException("sql: refused: the query writes where it names the metadata table "
        + String.join(", ", metadata) + ", which stays read-only even with --allow-writes: metadata tables change "
        + "only through Esteira's commands");
  }

  private static void refuseMetadataPaths(Lakehouse lake, String query) {
    String q = query.toLowerCase(Locale.ROOT);
    for (MetaTable t : TABLES) {
      String path = lake.path(t).replaceFirst("^file:", "").toLowerCase(Locale.ROOT);
      if (q.contains(path)) {
        throw new EsteiraException("sql: refused: the query names the metadata table " + t.name()
            + " by its path; metadata tables change only through Esteira's commands");
      }
    }
  }

  /**
   * Runs the query, registering a view only for a table it names: setting up every table and dataset as
   * a view costs a Delta log read each, most of them for nothing. When Spark reports a missing table that
   * Esteira knows, its view is registered and the query analysed again.
   */
  static Dataset<Row> withViews(Lakehouse lake, String query, boolean readOnlyCopies, Set<String> registered) {
    while (true) {
      try {
        return lake.spark().sql(query);
      } catch (Exception e) {
        if (!(e instanceof AnalysisException)) {
          throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        Matcher m = NOT_FOUND.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) {
          throw e;
        }
        String[] parts = m.group(1).split("`?\\.`?");
        String name = parts[parts.length - 1].toLowerCase(Locale.ROOT);
        if (!registered.add(name) || !registerView(lake, name, readOnlyCopies)) {
          throw new EsteiraException("sql: " + dev.esteira.Messages.firstLine(String.valueOf(e.getMessage())).trim());
        }
      }
    }
  }

  /** Registers the view of a metadata table, of model_versions or of a dataset; false for an unknown name. */
  static boolean registerView(Lakehouse lake, String name, boolean readOnlyCopy) {
    Optional<MetaTable> table = MetadataTables.named(name);
    if (table.isPresent()) {
      // A table of a few rows per batch, version or run is read through Delta Kernel into a frame held on
      // the driver: no Delta state for Spark to reconstruct (a few Spark jobs per table, about 4 s each
      // in a new process). A table with a row per scored row is as large as the data: Spark reads it.
      Dataset<Row> rows = MetadataTables.DATA_SIZED.contains(table.get())
          ? lake.read(table.get())
          : lake.frame(table.get(), lake.rows(table.get()));
      // A copy is no Delta table: a write through the view cannot reach the metadata table.
      (readOnlyCopy ? rows.localCheckpoint(true) : rows).createOrReplaceTempView(table.get().name());
      return true;
    }
    if (name.equals(MODEL_VERSIONS_VIEW)) {
      registerView(lake, "models", readOnlyCopy);
      registerView(lake, "model_transitions", readOnlyCopy);
      lake.spark().sql(dev.esteira.registry.RegistryViews.MODEL_VERSIONS_SQL).createOrReplaceTempView(MODEL_VERSIONS_VIEW);
      return true;
    }
    if (name.matches(Datasets.NAME_PATTERN) && lake.isDeltaTable(lake.datasetPath(name))
        && !new Datasets(lake).versions(name).isEmpty()) {
      lake.spark().read().format("delta").load(lake.datasetPath(name)).createOrReplaceTempView(name);
      return true;
    }
    return false;
  }
}
