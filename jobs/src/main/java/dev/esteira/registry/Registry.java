package dev.esteira.registry;

import static org.apache.spark.sql.functions.col;

import dev.esteira.EsteiraException;
import dev.esteira.config.Json;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ClassificationMetrics;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Run;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;

/**
 * The model registry: versions with lineage, stages, gated transitions and rollback. Stage changes of
 * several versions (a new production version and the old one archived) are one Delta commit on
 * {@code models}, so at most one version of a model is ever in production; every attempted transition,
 * accepted or refused, is then appended to {@code model_transitions}.
 */
public final class Registry {
  /** Pipelines loaded in this JVM, by artifact path and SHA-256 (see {@link #load}). */
  private static final Map<String, PipelineModel> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

  private final Lakehouse lake;

  public Registry(Lakehouse lake) {
    this.lake = lake;
  }

  /** The result of a promotion or rollback: what changed (nothing when refused or already done). */
  public record TransitionResult(
      ModelVersion version, Stage from, Stage to, boolean accepted, boolean unchanged,
      List<GateResult> gates, String message) {}

  public record GateResult(String check, Double value, Double threshold, boolean passed) {}

  /** Registers a run's artifact as the next version of its model; a run already registered is returned. */
  public ModelVersion register(Run run) {
    return Lakehouse.withRetry(
        "register " + run.model(),
        () -> {
          List<ModelVersion> existing = versions(run.model());
          Optional<ModelVersion> same =
              existing.stream().filter(v -> v.runId().equals(run.runId())).findFirst();
          if (same.isPresent()) {
            return same.get();
          }
          int next = existing.stream().mapToInt(ModelVersion::version).max().orElse(0) + 1;
          String target = lake.artifactsRoot() + "/" + run.model() + "/versions/" + next;
          var conf = lake.spark().sparkContext().hadoopConfiguration();
          Artifacts.copy(conf, run.artifactPath(), target);
          Timestamp now = Timestamp.from(Instant.now());
          ModelVersion v =
              new ModelVersion(
                  run.model(), next, run.runId(), target, Artifacts.sha256(conf, target), Stage.NONE,
                  run.metrics(), run.dataset(), run.datasetVersion(), run.batch(), run.configHash(),
                  run.codeVersion(), now, now);
          // Insert-only merge: a concurrent registration of the same version number conflicts and retries.
          lake.upsert(RegistryTables.MODELS, List.of(v.toRow()));
          return v;
        });
  }

  public List<ModelVersion> versions(String model) {
    var frame = lake.read(RegistryTables.MODELS);
    if (model != null) {
      frame = frame.where(col("model").equalTo(model));
    }
    List<ModelVersion> out = new ArrayList<>();
    for (Row r : frame.collectAsList()) {
      out.add(ModelVersion.of(r));
    }
    out.sort(Comparator.comparing(ModelVersion::model).thenComparing(ModelVersion::version));
    return out;
  }

  public ModelVersion version(String model, int version) {
    List<ModelVersion> all = versions(model);
    if (all.isEmpty()) {
      throw new EsteiraException("unknown model '" + model + "': no version registered");
    }
    return all.stream()
        .filter(v -> v.version() == version)
        .findFirst()
        .orElseThrow(
            () ->
                new EsteiraException(
                    "model '" + model + "' has no version " + version + " (versions: "
                        + all.stream().map(ModelVersion::version).toList() + ")"));
  }

  public Optional<ModelVersion> production(String model) {
    return versions(model).stream().filter(v -> v.stage() == Stage.PRODUCTION).findFirst();
  }

  public ModelVersion requireProduction(String model) {
    if (versions(model).isEmpty()) {
      throw new EsteiraException("unknown model '" + model + "': no version registered");
    }
    return production(model)
        .orElseThrow(() -> new EsteiraException("model '" + model + "' has no version in production"));
  }

  /**
   * Loads a version's pipeline after checking that its files still hash to the registered SHA-256. A
   * pipeline already loaded in this JVM with the same files is reused: loading one reads dozens of small
   * files, and the checksum has just shown that they are the same.
   */
  public PipelineModel load(ModelVersion v) {
    String actual = Artifacts.sha256(lake.spark().sparkContext().hadoopConfiguration(), v.artifactPath());
    if (!actual.equals(v.artifactSha256())) {
      throw new EsteiraException(
          "model '" + v.model() + "' version " + v.version() + ": artifact " + v.artifactPath()
              + " has SHA-256 " + actual + ", registered " + v.artifactSha256() + "; refusing to load it");
    }
    return LOADED.computeIfAbsent(v.artifactPath() + "#" + actual, k -> PipelineModel.load(v.artifactPath()));
  }

  public List<Row> transitions(String model) {
    var frame = lake.read(RegistryTables.TRANSITIONS);
    if (model != null) {
      frame = frame.where(col("model").equalTo(model));
    }
    return frame.orderBy(col("at"), col("version")).collectAsList();
  }

  /**
   * Moves a version towards {@code target} through the gates the spec declares for it. A version already
   * at or past the target (in production when staging is asked) is left alone and nothing is written, so
   * a workflow that promotes can be rerun.
   */
  public TransitionResult promote(ModelSpec spec, int version, Stage target, String actor, String reason) {
    if (target == Stage.NONE) {
      throw new EsteiraException("cannot promote to stage 'none'");
    }
    return Lakehouse.withRetry(
        "promote " + spec.name() + " v" + version,
        () -> {
          ModelVersion v = version(spec.name(), version);
          if (v.stage() == target || v.stage().reached(target)) {
            return new TransitionResult(
                v, v.stage(), target, true, true, List.of(),
                spec.name() + " v" + version + " is already in " + v.stage().label());
          }
          if (target == Stage.PRODUCTION && v.stage() != Stage.STAGING) {
            // Production is reached through staging only (a rollback is the one way back to it).
            throw new EsteiraException(
                spec.name() + " v" + version + " is in " + v.stage().label()
                    + ": promote it to staging first" + (v.stage() == Stage.ARCHIVED ? ", or use rollback" : ""));
          }
          Optional<ModelVersion> champion = production(spec.name());
          List<GateResult> gates = target == Stage.ARCHIVED ? List.of() : checkGates(spec, v, target, champion);
          boolean accepted = gates.stream().allMatch(GateResult::passed);
          Timestamp now = Timestamp.from(Instant.now());
          String why = reason == null || reason.isBlank() ? "promote to " + target.label() : reason;
          List<Row> transitions = new ArrayList<>();
          if (accepted) {
            List<Row> changes = new ArrayList<>();
            changes.add(v.inStage(target, now).toRow());
            if (target == Stage.PRODUCTION && champion.isPresent()) {
              ModelVersion old = champion.get();
              changes.add(old.inStage(Stage.ARCHIVED, now).toRow());
              transitions.add(transition(old, Stage.PRODUCTION, Stage.ARCHIVED, true, actor,
                  "replaced by v" + version, List.of(), now));
            }
            lake.upsert(RegistryTables.MODELS, changes);
          }
          transitions.add(0, transition(v, v.stage(), target, accepted, actor, why, gates, now));
          lake.append(RegistryTables.TRANSITIONS, transitions);
          String message =
              accepted
                  ? spec.name() + " v" + version + ": " + v.stage().label() + " -> " + target.label()
                  : spec.name() + " v" + version + ": promotion to " + target.label() + " refused by gates: "
                      + gates.stream().filter(g -> !g.passed()).map(Registry::describe).toList();
          return new TransitionResult(
              accepted ? v.inStage(target, now) : v, v.stage(), target, accepted, false, gates, message);
        });
  }

  /** Archives the production version and puts back the one that was in production before it. */
  public TransitionResult rollback(String model, String actor, String reason) {
    return Lakehouse.withRetry(
        "rollback " + model,
        () -> {
          ModelVersion current = requireProduction(model);
          List<Row> history = transitions(model);
          Integer previous = null;
          for (int i = history.size() - 1; i >= 0; i--) {
            Row t = history.get(i);
            if (t.<Boolean>getAs("accepted") && "production".equals(t.getAs("to_stage"))
                && t.<Integer>getAs("version") != current.version()) {
              previous = t.getAs("version");
              break;
            }
          }
          if (previous == null) {
            throw new EsteiraException(
                "model '" + model + "': no earlier production version to roll back to (v"
                    + current.version() + " is the first)");
          }
          ModelVersion back = version(model, previous);
          Timestamp now = Timestamp.from(Instant.now());
          String why = reason == null || reason.isBlank() ? "rollback" : "rollback: " + reason;
          lake.upsert(
              RegistryTables.MODELS,
              List.of(current.inStage(Stage.ARCHIVED, now).toRow(), back.inStage(Stage.PRODUCTION, now).toRow()));
          lake.append(
              RegistryTables.TRANSITIONS,
              List.of(
                  transition(current, Stage.PRODUCTION, Stage.ARCHIVED, true, actor, why, List.of(), now),
                  transition(back, back.stage(), Stage.PRODUCTION, true, actor, why, List.of(), now)));
          return new TransitionResult(
              back.inStage(Stage.PRODUCTION, now), back.stage(), Stage.PRODUCTION, true, false, List.of(),
              model + ": v" + current.version() + " archived, v" + back.version() + " back in production");
        });
  }

  private static List<GateResult> checkGates(
      ModelSpec spec, ModelVersion v, Stage target, Optional<ModelVersion> champion) {
    List<GateResult> results = new ArrayList<>();
    ModelSpec.Gate gate = spec.gates().get(target.label());
    if (gate == null) {
      return results;
    }
    gate.min().forEach((metric, floor) -> {
      Double value = v.metrics().get(metric);
      results.add(new GateResult("min " + metric, value, floor, value != null && value >= floor));
    });
    gate.max().forEach((metric, ceiling) -> {
      Double value = v.metrics().get(metric);
      results.add(new GateResult("max " + metric, value, ceiling, value != null && value <= ceiling));
    });
    if (gate.beatChampion() != null && champion.isPresent() && champion.get().version() != v.version()) {
      String metric = gate.beatChampion();
      Double value = v.metrics().get(metric);
      Double reference = champion.get().metrics().get(metric);
      boolean passed =
          value != null && reference != null
              && ClassificationMetrics.better(metric, value, reference, gate.minDelta());
      results.add(new GateResult(
          "beat champion v" + champion.get().version() + " on " + metric, value, reference, passed));
    }
    return results;
  }

  private static String describe(GateResult g) {
    return g.check() + " (value " + g.value() + ", threshold " + g.threshold() + ")";
  }

  private static Row transition(
      ModelVersion v, Stage from, Stage to, boolean accepted, String actor, String reason,
      List<GateResult> gates, Timestamp at) {
    Map<String, Object> gateJson = new LinkedHashMap<>();
    gateJson.put("gates", gates);
    return org.apache.spark.sql.RowFactory.create(
        v.model(), v.version(), from.label(), to.label(), accepted, actor, reason, Json.write(gateJson), at);
  }
}
