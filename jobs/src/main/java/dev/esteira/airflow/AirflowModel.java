package dev.esteira.airflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the Airflow 3 REST API (v2) answers, reduced to the fields Esteira uses. Unknown fields are
 * ignored (responses gain fields between minor releases); most fields may be null. Times stay the
 * API's ISO-8601 text, parsed on demand, so no Jackson time module is needed next to Spark's Jackson.
 */
public final class AirflowModel {
  private AirflowModel() {}

  static Instant instant(String iso) {
    return iso == null ? null : Instant.parse(iso);
  }

  /** A DAG as {@code GET /api/v2/dags} lists it. */
  public record Dag(
      String dagId, Boolean isPaused, Boolean isStale, Boolean hasImportErrors, String relativeFileloc,
      String timetableSummary, String nextDagrunLogicalDate, List<Map<String, Object>> tags) {
    public boolean paused() {
      return Boolean.TRUE.equals(isPaused);
    }

    public boolean stale() {
      return Boolean.TRUE.equals(isStale);
    }

    public boolean importErrors() {
      return Boolean.TRUE.equals(hasImportErrors);
    }
  }

  /** One run of a DAG. {@code state}: queued, running, success or failed. */
  public record DagRun(
      String dagRunId, String dagId, String logicalDate, String runAfter, String startDate, String endDate,
      String state, String runType, Map<String, Object> conf, String note) {
    public boolean finished() {
      return "success".equals(state) || "failed".equals(state);
    }

    public Instant started() {
      return instant(startDate);
    }

    public Instant ended() {
      return instant(endDate);
    }
  }

  /** One task of one run; {@code tryNumber} 0 means it never ran (and has no log). */
  public record TaskInstance(
      String taskId, String state, Integer tryNumber, Integer maxTries, String startDate, String endDate,
      Double duration, String operator) {
    public int tries() {
      return tryNumber == null ? 0 : tryNumber;
    }
  }

  /** A DAG file that failed to import; {@code filename} is relative to the DAGs folder. */
  public record ImportError(Integer importErrorId, String filename, String stackTrace, String timestamp, String bundleName) {
    /** The last non-empty line of the trace: where Python puts the exception and its message. */
    public String reason() {
      if (stackTrace == null) {
        return "";
      }
      String[] lines = stackTrace.strip().split("\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        if (!lines[i].isBlank()) {
          return lines[i].strip();
        }
      }
      return "";
    }
  }

  /** A task's log for one try: its lines for people, and the events as Airflow sent them. */
  public record TaskLog(String dagId, String runId, String taskId, int tryNumber, List<String> lines, List<JsonNode> events) {}

  /** What a wait reports each time something changes. */
  public record RunProgress(DagRun run, List<TaskInstance> tasks) {}

  /** What {@code clearTaskInstances} answered: the task instances it reset. */
  public record Cleared(String dagId, String runId, List<TaskInstance> tasks) {}
}
