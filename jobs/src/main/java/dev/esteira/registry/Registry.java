package dev.esteira.registry;

import dev.esteira.EsteiraException;
import dev.esteira.lake.CrashPoints;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;

/**
 * The model registry: versions with lineage, stages, aliases, tags, gated transitions and rollback.
 *
 * <p>Every operation is one commit that Delta accepts only on the state it was decided on (see {@link
 * Lakehouse#commitSequenced}): registering appends one row to {@code models} with the model's next
 * version number; every change of stage, alias, tag or description appends its rows to {@code
 * model_transitions}, the log from which the current state is derived. So version numbers are unique, at
 * most one version is in production and at most one holds each alias at every version of the tables,
 * whatever the number of concurrent writers, and a crash at any point leaves the registry as it was
 * before the operation or after it.
 */
public final class Registry {
  /** Pipelines loaded in this JVM, by artifact path and SHA-256 (see {@link #load}). */
  private static final Map<String, PipelineModel> LOADED = new java.util.concurrent.ConcurrentHashMap<>();
  /** MLflow's rule: aliases are names, never a version number or the reserved "latest". */
  private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
  private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");

  private final Lakehouse lake;

  public Registry(Lakehouse lake) {
    this.lake = lake;
  }

  /** The result of a stage change: what changed (nothing when refused or already done). */
  public record TransitionResult(
      ModelVersion version, Stage from, Stage to, boolean accepted, boolean unchanged,
      List<GateResult> gates, String message) {}

  /** One model as read for a decision: its registered versions with their state, and its log. */
  private record Snapshot(String model, List<ModelVersion> versions, List<Transition> log, RegistryState state) {
    ModelVersion version(int v) {
      if (versions.isEmpty()) {
        throw new EsteiraException("unknown model '" + model + "': no version registered");
      }
      return versions.stream()
          .filter(x -> x.version() == v)
          .findFirst()
          .orElseThrow(() -> new EsteiraException(
              "model '" + model + "' has no version " + v + " (versions: "
                  + versions.stream().map(ModelVersion::version).toList() + ")"));
    }

    Optional<ModelVersion> production() {
      return versions.stream().filter(x -> x.stage() == Stage.PRODUCTION).findFirst();
    }
  }

  /** What a change decided: the log rows to commit (none: nothing to do) and what to return. */
  private record Change<R>(List<Transition> rows, R result) {}

  // ---------------------------------------------------------------- reading

  private Snapshot snapshot(String model) {
    List<ModelVersion> registered = registrations(model);
    List<Transition> log = logOf(lake.rows(RegistryTables.logOf(model)));
    RegistryState state = RegistryState.replay(log);
    return new Snapshot(model, registered.stream().map(state::apply).toList(), log, state);
  }

  private List<ModelVersion> registrations(String model) {
    Match which = Match.on(RegistryTables.MODELS);
    List<ModelVersion> out = new ArrayList<>();
    for (Row r : lake.rows(model == null ? which : which.eq("model", model))) {
      out.add(RegistryTables.registration(r, lake.root()));
    }
    out.sort(Comparator.comparing(ModelVersion::model).thenComparingInt(ModelVersion::version));
    return out;
  }

  /** The names of every registered model, sorted. */
  public List<String> models() {
    // Only the names: a registration's metrics and lineage are not read for a list of models.
    return lake.rows(RegistryTables.MODELS, "model").stream()
        .map(r -> r.<String>getAs("model")).distinct().sorted().toList();
  }

  /** Every version of a model (of every model when {@code model} is null), with its current state. */
  public List<ModelVersion> versions(String model) {
    if (model != null) {
      return snapshot(model).versions();
    }
    Map<String, List<Transition>> logs = new LinkedHashMap<>();
    for (Transition t : logOf(lake.rows(RegistryTables.TRANSITIONS))) {
      logs.computeIfAbsent(t.model(), k -> new ArrayList<>()).add(t);
    }
    Map<String, RegistryState> states = new LinkedHashMap<>();
    List<ModelVersion> out = new ArrayList<>();
    for (ModelVersion v : registrations(null)) {
      RegistryState s = states.computeIfAbsent(v.model(), m -> RegistryState.replay(logs.getOrDefault(m, List.of())));
      out.add(s.apply(v));
    }
    return out;
  }

  public ModelVersion version(String model, int version) {
    return snapshot(model).version(version);
  }

  /** A version given by number or by alias ({@code 3}, {@code champion}). */
  public ModelVersion resolve(String model, String versionOrAlias) {
    if (versionOrAlias.matches("\\d{1,9}")) {
      return version(model, Integer.parseInt(versionOrAlias));
    }
    Snapshot s = snapshot(model);
    if (s.versions().isEmpty()) {
      throw new EsteiraException("unknown model '" + model + "': no version registered");
    }
    Integer v = s.state().holder(versionOrAlias).orElseThrow(() -> new EsteiraException(
        "model '" + model + "' has no version or alias '" + versionOrAlias + "' (aliases: "
            + s.state().aliases().keySet() + ")"));
    return s.version(v);
  }

  public Optional<ModelVersion> production(String model) {
    return snapshot(model).production();
  }

  public ModelVersion requireProduction(String model) {
    Snapshot s = snapshot(model);
    if (s.versions().isEmpty()) {
      throw new EsteiraException("unknown model '" + model + "': no version registered");
    }
    return s.production().orElseThrow(() -> new EsteiraException("model '" + model + "' has no version in production"));
  }

  /**
   * The model's state as it was at {@code time}: the replay of the rows of its log written at or before
   * that instant (a commit's rows share one instant, so no commit is cut in half).
   */
  public RegistryState stateAt(String model, Instant time) {
    return RegistryHistory.stateAt(logOf(lake.rows(RegistryTables.logOf(model))), time);
  }

  /**
   * Who served when: the periods of the model's log, each with the version in production and the
   * holders of its aliases after the commit that opened it (see {@link RegistryHistory}).
   */
  public RegistryHistory history(String model) {
    if (registrations(model).isEmpty()) {
      throw new EsteiraException("unknown model '" + model + "': no version registered");
    }
    return RegistryHistory.of(model, logOf(lake.rows(RegistryTables.logOf(model))));
  }

  /**
   * The model's state as of a Delta version of {@code model_transitions} (a version before the table
   * existed gives the empty state): what a reader of that version decided on.
   */
  public RegistryState stateAt(String model, long transitionsVersion) {
    return RegistryState.replay(logOf(lake.rowsAt(RegistryTables.logOf(model), transitionsVersion)));
  }

  private static List<Transition> logOf(List<Row> logRows) {
    List<Transition> log = new ArrayList<>();
    for (Row r : logRows) {
      log.add(RegistryTables.transition(r));
    }
    return log;
  }

  /** The model's log, in commit order. */
  public List<Transition> transitions(String model) {
    List<Transition> log = new ArrayList<>(snapshot(model).log());
    log.sort(Comparator.comparingLong(Transition::seq).thenComparingInt(Transition::ordinal));
    return log;
  }

  /**
   * Loads a version's pipeline after checking that its files still hash to the registered SHA-256. A
   * pipeline already loaded in this JVM with the same files is reused: loading one reads dozens of small
   * files, and the checksum has just shown that they are the same.
   */
  public PipelineModel load(ModelVersion v) {
    String actual = Artifacts.sha256(lake.hadoopConfiguration(), v.artifactPath());
    if (!actual.equals(v.artifactSha256())) {
      throw new EsteiraException(
          "model '" + v.model() + "' version " + v.version() + ": artifact " + v.artifactPath()
              + " has SHA-256 " + actual + ", registered " + v.artifactSha256() + "; refusing to load it");
    }
    return LOADED.computeIfAbsent(v.artifactPath() + "#" + actual, k -> PipelineModel.load(v.artifactPath()));
  }

  // ---------------------------------------------------------------- registering

  /**
   * Registers a run's artifact as the next version of its model; a run already registered is returned.
   * The artifact is copied first, under a path of its own that no other registration can use, and is
   * never moved or deleted once a version points at it; a copy left by a crash or by a registration that
   * lost its race to the same run is never referenced.
   */
  public ModelVersion register(Run run) {
    String model = run.model();
    var conf = lake.hadoopConfiguration();
    AtomicReference<String[]> copied = new AtomicReference<>(); // {path, sha256}
    ModelVersion v = lake.commitSequenced(RegistryTables.MODELS, model, "register " + model, () -> {
      List<ModelVersion> existing = registrations(model);
      Optional<ModelVersion> same = existing.stream().filter(x -> x.runId().equals(run.runId())).findFirst();
      if (same.isPresent()) {
        return Lakehouse.Decision.nothingToWrite(same.get());
      }
      int next = existing.stream().mapToInt(ModelVersion::version).max().orElse(0) + 1;
      if (copied.get() == null) {
        String target = lake.artifactsRoot() + "/" + model + "/artifacts/" + run.runId() + "-"
            + UUID.randomUUID().toString().substring(0, 8);
        Artifacts.copy(conf, run.artifactPath(), target);
        copied.set(new String[] {target, Artifacts.sha256(conf, target)});
        CrashPoints.reach("register.after-artifact");
      }
      ModelVersion row = ModelVersion.registration(model, next)
          .run(run.runId(), run.metrics())
          .artifact(copied.get()[0], copied.get()[1])
          .trainedOn(run.dataset(), run.datasetVersion(), run.batch())
          .builtBy(run.configHash(), run.codeVersion())
          .createdAt(Timestamp.from(Instant.now()))
          .build();
      return new Lakehouse.Decision<>(List.of(RegistryTables.registrationRow(row, lake.root())), next, row);
    });
    if (copied.get() != null && !v.artifactPath().equals(copied.get()[0])) {
      // Another registration of the same run won: this copy was never committed and is nobody's.
      Artifacts.deleteUncommitted(conf, copied.get()[0]);
    }
    boolean created = copied.get() != null && v.artifactPath().equals(copied.get()[0]);
    // A run registered before may have moved on since: read its state.
    return created ? v : version(model, v.version());
  }

  // ---------------------------------------------------------------- changing state

  /** Commits a change decided on a fresh read of the model, retried from the read on any conflict. */
  private <R> R change(String model, String what, Function<Snapshot, Change<R>> decide) {
    return lake.commitSequenced(RegistryTables.TRANSITIONS, model, what, () -> {
      Snapshot s = snapshot(model);
      Change<R> c = decide.apply(s);
      if (c.rows().isEmpty()) {
        return Lakehouse.Decision.nothingToWrite(c.result());
      }
      long seq = s.state().lastSeq() + 1;
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < c.rows().size(); i++) {
        rows.add(RegistryTables.transitionRow(c.rows().get(i).numbered(seq, i)));
      }
      return new Lakehouse.Decision<>(rows, seq, c.result());
    });
  }

  /**
   * Moves a version towards {@code target} through the gates the spec declares for it. A version already
   * at or past the target (in production when staging is asked) is left alone and nothing is written, so
   * a workflow that promotes can be rerun. A move the lifecycle forbids (production not from staging, an
   * archived version back to staging or production) or that fails its gates is written once as refused.
   * Promoting to production archives the version in production in the same commit.
   */
  public TransitionResult promote(ModelSpec spec, int version, Stage target, String actor, String reason) {
    return promote(spec, version, target, actor, reason, List.of());
  }

  /**
   * Promotes with {@code evidence}: gate results measured elsewhere (a challenger against the champion on
   * the same recent labelled rows) checked and recorded with the spec's gates. Given evidence, it
   * replaces the comparison of validation metrics that {@code beat_champion} makes otherwise.
   */
  public TransitionResult promote(
      ModelSpec spec, int version, Stage target, String actor, String reason, List<GateResult> evidence) {
    if (target == Stage.NONE) {
      throw new EsteiraException("cannot promote to stage 'none'");
    }
    String model = spec.name();
    return change(model, "promote " + model + " v" + version, s -> {
      ModelVersion v = s.version(version);
      Stage from = v.stage();
      if (from == target || from.reached(target)) {
        return new Change<>(List.of(), new TransitionResult(
            v, from, target, true, true, List.of(), model + " v" + version + " is already in " + from.label()));
      }
      Timestamp now = Timestamp.from(Instant.now());
      String why = reason == null || reason.isBlank() ? "promote to " + target.label() : reason;
      String forbidden = null;
      if (from == Stage.ARCHIVED) {
        forbidden = model + " v" + version + " is archived: an archived version comes back only through rollback";
      } else if (target == Stage.PRODUCTION && from != Stage.STAGING) {
        forbidden = model + " v" + version + " is in " + from.label() + ": promote it to staging first";
      }
      if (forbidden != null) {
        Transition refused = Transition.stageChange(v, from, target, false, actor,
            why + " (refused: " + forbidden + ")", List.of(), now);
        return new Change<>(List.of(refused), new TransitionResult(v, from, target, false, false, List.of(), forbidden));
      }
      Optional<ModelVersion> champion = s.production();
      List<GateResult> gates = new ArrayList<>(target == Stage.ARCHIVED ? List.of()
          : Gates.check(spec, v, target, evidence.isEmpty() ? champion : Optional.empty(), sliceMetrics(v)));
      gates.addAll(evidence);
      boolean accepted = gates.stream().allMatch(GateResult::passed);
      List<Transition> rows = new ArrayList<>();
      rows.add(Transition.stageChange(v, from, target, accepted, actor, why, gates, now));
      if (accepted && target == Stage.PRODUCTION && champion.isPresent()) {
        rows.add(Transition.stageChange(champion.get(), Stage.PRODUCTION, Stage.ARCHIVED, true, actor,
            "replaced by v" + version, List.of(), now));
      }
      String message = accepted
          ? model + " v" + version + ": " + from.label() + " -> " + target.label()
          : model + " v" + version + ": promotion to " + target.label() + " refused by gates: "
              + gates.stream().filter(g -> !g.passed()).map(GateResult::describe).toList();
      return new Change<>(rows, new TransitionResult(
          accepted ? v.inStage(target) : v, from, target, accepted, false, gates, message));
    });
  }

  /** Archives the production version and puts back the one that was in production before it, in one commit. */
  public TransitionResult rollback(String model, String actor, String reason) {
    return change(model, "rollback " + model, s -> {
      if (s.versions().isEmpty()) {
        throw new EsteiraException("unknown model '" + model + "': no version registered");
      }
      ModelVersion current = s.production()
          .orElseThrow(() -> new EsteiraException("model '" + model + "' has no version in production to roll back"));
      Integer previous = null;
      List<Transition> log = new ArrayList<>(s.log());
      log.sort(Comparator.comparingLong(Transition::seq).thenComparingInt(Transition::ordinal).reversed());
      for (Transition t : log) {
        if (t.accepted() && t.kind() == Transition.Kind.STAGE && t.toStage() == Stage.PRODUCTION
            && t.version() != current.version()) {
          previous = t.version();
          break;
        }
      }
      if (previous == null) {
        throw new EsteiraException(
            "model '" + model + "': no earlier production version to roll back to (v" + current.version()
                + " is the first)");
      }
      ModelVersion back = s.version(previous);
      Timestamp now = Timestamp.from(Instant.now());
      String why = reason == null || reason.isBlank() ? "rollback" : "rollback: " + reason;
      List<Transition> rows = List.of(
          Transition.stageChange(current, Stage.PRODUCTION, Stage.ARCHIVED, true, actor, why, List.of(), now),
          Transition.stageChange(back, back.stage(), Stage.PRODUCTION, true, actor, why, List.of(), now));
      return new Change<>(rows, new TransitionResult(
          back.inStage(Stage.PRODUCTION), back.stage(), Stage.PRODUCTION, true, false, List.of(),
          model + ": v" + current.version() + " archived, v" + back.version() + " back in production"));
    });
  }

  /** Points an alias at a version, taking it from the version that held it (one holder at a time). */
  public ModelVersion setAlias(String model, String alias, int version, String actor, String reason) {
    requireAlias(alias);
    return change(model, "set alias " + alias + " of " + model, s -> {
      ModelVersion v = s.version(version);
      Optional<Integer> holder = s.state().holder(alias);
      if (holder.isPresent() && holder.get() == version) {
        return new Change<>(List.of(), v);
      }
      Transition t = Transition.aliasSet(v, alias, holder.orElse(null), actor, reason, Timestamp.from(Instant.now()));
      List<String> aliases = new ArrayList<>(v.aliases());
      aliases.add(alias);
      return new Change<>(List.of(t), v.withState(v.stage(), aliases.stream().sorted().toList(), v.tags(), v.description()));
    });
  }

  public ModelVersion removeAlias(String model, String alias, String actor, String reason) {
    requireAlias(alias);
    return change(model, "remove alias " + alias + " of " + model, s -> {
      Integer holder = s.state().holder(alias).orElseThrow(() -> new EsteiraException(
          "model '" + model + "' has no alias '" + alias + "' (aliases: " + s.state().aliases().keySet() + ")"));
      ModelVersion v = s.version(holder);
      Transition t = Transition.aliasRemoved(v, alias, actor, reason, Timestamp.from(Instant.now()));
      return new Change<>(List.of(t), v.withState(v.stage(), v.aliases().stream().filter(a -> !a.equals(alias)).toList(), v.tags(), v.description()));
    });
  }

  /** Sets a tag on a version ({@code value} null removes it). */
  public ModelVersion setTag(String model, int version, String key, String value, String actor) {
    return setTag(model, version, key, value, actor, null, List.of());
  }

  /**
   * Sets a tag with the reason and the evidence that decided it, both kept in its row of the log (a
   * canary's widening: the share is a tag, the comparison that allowed it its gate results).
   */
  public ModelVersion setTag(String model, int version, String key, String value, String actor, String reason,
      List<GateResult> evidence) {
    if (key == null || !TAG_KEY.matcher(key).matches()) {
      throw new EsteiraException("bad tag key '" + key + "': use 1 to 128 letters, digits and _ . : / -");
    }
    return change(model, "tag " + model + " v" + version, s -> {
      ModelVersion v = s.version(version);
      String current = v.tags().get(key);
      if (value == null && current == null) {
        throw new EsteiraException(model + " v" + version + " has no tag '" + key + "' (tags: " + v.tags().keySet() + ")");
      }
      if (value != null && value.equals(current)) {
        return new Change<>(List.of(), v);
      }
      Timestamp now = Timestamp.from(Instant.now());
      Transition t = value == null ? Transition.tagRemoved(v, key, actor, now)
          : Transition.tagSet(v, key, value, actor, reason, evidence, now);
      Map<String, String> tags = new java.util.TreeMap<>(v.tags());
      if (value == null) {
        tags.remove(key);
      } else {
        tags.put(key, value);
      }
      return new Change<>(List.of(t), v.withState(v.stage(), v.aliases(), tags, v.description()));
    });
  }

  public ModelVersion describe(String model, int version, String text, String actor) {
    return change(model, "describe " + model + " v" + version, s -> {
      ModelVersion v = s.version(version);
      if (java.util.Objects.equals(text, v.description())) {
        return new Change<>(List.of(), v);
      }
      Transition t = Transition.description(v, text, actor, Timestamp.from(Instant.now()));
      return new Change<>(List.of(t), v.withState(v.stage(), v.aliases(), v.tags(), text));
    });
  }

  private static void requireAlias(String alias) {
    if (alias == null || !ALIAS.matcher(alias).matches() || alias.equals("latest")) {
      throw new EsteiraException("bad alias '" + alias + "': use a lowercase name (letters, digits, _ and -), "
          + "not a number and not 'latest'");
    }
    if (java.util.Arrays.stream(Stage.values()).anyMatch(st -> st.label().equals(alias))) {
      throw new EsteiraException("bad alias '" + alias + "': it is the name of a stage");
    }
  }

  /** The version's metrics per slice, from its run (fairness gates read them). */
  private Map<String, Map<String, Double>> sliceMetrics(ModelVersion v) {
    return dev.esteira.ml.Runs.find(lake, v.runId()).map(Run::sliceMetrics).orElse(Map.of());
  }
}
