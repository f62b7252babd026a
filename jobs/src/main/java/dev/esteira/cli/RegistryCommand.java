package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.jobs.JobOutput;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.RegistryHistory;
import dev.esteira.registry.RegistryTables;
import dev.esteira.registry.Stage;
import dev.esteira.registry.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = "The model registry: versions, stages, gated promotions and rollback.",
    subcommands = {
      RegistryCommand.ListVersions.class, RegistryCommand.Show.class, RegistryCommand.Promote.class,
      RegistryCommand.Rollback.class, RegistryCommand.Alias.class, RegistryCommand.Tag.class,
      RegistryCommand.Describe.class, RegistryCommand.Card.class, RegistryCommand.History.class
    })
final class RegistryCommand implements Runnable {
  @Override
  public void run() {
    throw new EsteiraException(
        "give a registry command: list, show, history, promote, rollback, alias, tag, describe or card (see `esteira registry --help`)");
  }

  static List<Object> summary(ModelVersion v) {
    return List.of(v.model(), v.version(), v.stage().label(), String.join(",", v.aliases()), v.runId(),
        v.dataset() + "@" + v.datasetVersion() + " (" + v.batch() + ")",
        v.metrics().getOrDefault("auc_roc", Double.NaN), v.createdAt());
  }

  static final List<String> HEADERS =
      List.of("model", "version", "stage", "aliases", "run_id", "trained_on", "auc_roc", "created_at");

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered model versions.")
  static final class ListVersions extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Only this model.")
    String model;

    @Override
    public Integer call() {
      List<List<Object>> rows = new ArrayList<>();
      for (ModelVersion v : new Registry(session().metadataLake()).versions(model)) {
        rows.add(summary(v));
      }
      if (model != null && rows.isEmpty()) {
        throw new EsteiraException("unknown model '" + model + "': no version registered");
      }
      out().table(HEADERS, rows, "(" + rows.size() + " versions)");
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show a model version (default: the production one) with its lineage and transitions.")
  static final class Show extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION", description = "A version number or an alias.")
    String version;

    @Override
    public Integer call() {
      Registry registry = new Registry(session().metadataLake());
      ModelVersion v = version == null ? registry.requireProduction(model) : registry.resolve(model, version);
      List<Map<String, Object>> transitions = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      text.append(v.model()).append(" v").append(v.version()).append(" [").append(v.stage().label()).append("]")
          .append(v.aliases().isEmpty() ? "" : " aliases: " + String.join(", ", v.aliases())).append('\n')
          .append(v.description() == null ? "" : "  description:    " + v.description() + "\n")
          .append(v.tags().isEmpty() ? "" : "  tags:           " + new java.util.TreeMap<>(v.tags()) + "\n")
          .append("  run:            ").append(v.runId()).append('\n')
          .append("  trained on:     ").append(v.dataset()).append(" version ").append(v.datasetVersion())
          .append(" (batch ").append(v.batch()).append(")\n")
          .append("  config hash:    ").append(v.configHash()).append('\n')
          .append("  code version:   ").append(v.codeVersion()).append('\n')
          .append("  artifact:       ").append(v.artifactPath()).append('\n')
          .append("  sha256:         ").append(v.artifactSha256()).append('\n')
          .append("  metrics:        ").append(new java.util.TreeMap<>(v.metrics())).append('\n')
          .append("  transitions:");
      for (Transition t : registry.transitions(model)) {
        if (t.version() != v.version()) {
          continue;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("seq", t.seq());
        doc.put("kind", t.kind().label());
        doc.put("from_stage", t.fromStage() == null ? null : t.fromStage().label());
        doc.put("to_stage", t.toStage() == null ? null : t.toStage().label());
        doc.put("name", t.name());
        doc.put("value", t.value());
        doc.put("previous_version", t.previousVersion());
        doc.put("accepted", t.accepted());
        doc.put("actor", t.actor());
        doc.put("reason", t.reason());
        doc.put("gate_results", t.gates());
        doc.put("at", Output.plain(t.at()));
        transitions.add(doc);
        text.append("\n    ").append(t.at()).append("  ").append(t.summary())
            .append("  by ").append(t.actor()).append(t.reason() == null ? "" : ": " + t.reason());
      }
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("model", v.model());
      data.put("version", v.version());
      data.put("stage", v.stage().label());
      data.put("aliases", v.aliases());
      data.put("tags", v.tags());
      data.put("description", v.description());
      data.put("run_id", v.runId());
      data.put("dataset", v.dataset());
      data.put("dataset_version", v.datasetVersion());
      data.put("batch", v.batch());
      data.put("config_hash", v.configHash());
      data.put("code_version", v.codeVersion());
      data.put("artifact_path", v.artifactPath());
      data.put("artifact_sha256", v.artifactSha256());
      data.put("metrics", v.metrics());
      data.put("transitions", transitions);
      out().result(text.toString(), data);
      return 0;
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true,
      description = {"Who served when: each period of the model's life with the version in production and the holder "
          + "of each alias, replayed from the registry's log; with --at, the state at that time.",
          "Example: esteira registry history loan_default --at 2026-03-01T12:30:00Z"})
  static final class History extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Option(names = "--at", paramLabel = "TIME",
        description = "An instant (2026-03-01T12:30:00Z, or with an offset), a date-time in UTC (2026-03-01T12:30) "
            + "or a date (2026-03-01: its start, 00:00 UTC).")
    String at;

    @Override
    public Integer call() {
      Instant time = at == null ? null : parseTime(at);
      RegistryHistory history = new Registry(session().metadataLake()).history(model);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("model", model);
      if (time != null) {
        Optional<RegistryHistory.Period> p = history.at(time);
        data.put("at", time.toString());
        data.put("production", p.map(RegistryHistory.Period::production).orElse(null));
        data.put("aliases", p.map(x -> new TreeMap<>(x.aliases())).orElse(new TreeMap<>()));
        data.put("stages", p.map(x -> RegistryHistory.byStage(x.stages())).orElse(Map.of()));
        data.put("since", p.map(x -> x.from().toString()).orElse(null));
        data.put("seq", p.map(RegistryHistory.Period::seq).orElse(null));
        data.put("changes", p.map(x -> changes(x)).orElse(List.of()));
        String text = model + " at " + time + ": " + p.map(x -> describe(x) + "\n  since " + x.from() + " (commit "
            + x.seq() + "): " + changeText(x)).orElse("nothing in production and no alias yet (the log starts "
            + history.periods().stream().findFirst().map(x -> "at " + x.from()).orElse("with no move") + ")");
        out().result(text, data);
        return 0;
      }
      List<Map<String, Object>> periods = new ArrayList<>();
      List<List<Object>> rows = new ArrayList<>();
      for (RegistryHistory.Period p : history.periods()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("from", p.from().toString());
        doc.put("seq", p.seq());
        doc.put("production", p.production());
        doc.put("aliases", new TreeMap<>(p.aliases()));
        doc.put("stages", RegistryHistory.byStage(p.stages()));
        doc.put("changes", changes(p));
        periods.add(doc);
        rows.add(List.of(p.from().toString(), p.seq(), p.production() == null ? "-" : "v" + p.production(),
            aliasText(p.aliases()), changeText(p)));
      }
      data.put("periods", periods);
      if (out().json()) {
        out().result(null, data);
      } else {
        out().fullTable(List.of("from", "commit", "production", "aliases", "change"), rows,
            "(" + rows.size() + " periods of " + model + "; the last one holds now)");
      }
      return 0;
    }

    static Instant parseTime(String text) {
      try {
        return java.time.OffsetDateTime.parse(text).toInstant();
      } catch (java.time.format.DateTimeParseException notOffset) {
        try {
          return java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException notLocal) {
          try {
            return java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
          } catch (java.time.format.DateTimeParseException notDate) {
            throw new EsteiraException("registry history: --at '" + text + "' is not a time (use 2026-03-01T12:30:00Z, "
                + "2026-03-01T12:30 in UTC, or 2026-03-01)");
          }
        }
      }
    }

    private static String describe(RegistryHistory.Period p) {
      return (p.production() == null ? "nothing in production" : "v" + p.production() + " in production")
          + "; aliases: " + aliasText(p.aliases()) + "; stages: " + RegistryHistory.byStage(p.stages());
    }

    private static String aliasText(Map<String, Integer> aliases) {
      return aliases.isEmpty() ? "-" : new TreeMap<>(aliases).entrySet().stream()
          .map(e -> e.getKey() + "=v" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    private static String changeText(RegistryHistory.Period p) {
      return p.changes().stream().map(t -> "v" + t.version() + " " + t.summary() + " by " + t.actor()
          + (t.reason() == null ? "" : " (" + t.reason() + ")")).collect(java.util.stream.Collectors.joining("; "));
    }

    private static List<Map<String, Object>> changes(RegistryHistory.Period p) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Transition t : p.changes()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", t.version());
        doc.put("kind", t.kind().label());
        doc.put("from_stage", t.fromStage() == null ? null : t.fromStage().label());
        doc.put("to_stage", t.toStage() == null ? null : t.toStage().label());
        doc.put("name", t.name());
        doc.put("actor", t.actor());
        doc.put("reason", t.reason());
        out.add(doc);
      }
      return out;
    }
  }

  @Command(name = "card", mixinStandardHelpOptions = true,
      description = {"The model card of a version: purpose, owner and risk level from its spec, the data and dataset "
          + "version it learnt from, metrics overall and per slice, fairness gaps across slices, gates as declared "
          + "and as tightened by the risk level, lineage and transitions.",
          "Markdown by default; --format json for the same content as JSON."})
  static final class Card extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION",
        description = "A version number or an alias (default: the production version).")
    String version;

    @Override
    public Integer call() {
      var ctx = session().metadataContext();
      Registry registry = new Registry(ctx.lake());
      ModelVersion v = version == null ? registry.requireProduction(model) : registry.resolve(model, version);
      Map<String, Object> card = dev.esteira.report.ModelCard.build(ctx.lake(), registry, v, ctx.model(model));
      out().result(dev.esteira.report.ModelCard.markdown(card), card);
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Move a version to a stage through the gates of its spec. A refusal is recorded and exits 1.")
  static final class Promote extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Parameters(index = "1", paramLabel = "VERSION") int version;

    @Option(names = "--to", required = true, paramLabel = "STAGE", description = "staging, production or archived.")
    String stage;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
      var ctx = session().kernelWriteContext(List.of(RegistryTables.TRANSITIONS));
      Registry.TransitionResult r =
          new Registry(ctx.lake()).promote(ctx.model(model), version, Stage.parse(stage), ctx.actor(), reason);
      if (!r.accepted()) {
        throw new EsteiraException(r.message());
      }
      out().job(JobOutput.of(r.message(), dev.esteira.jobs.PromoteJob.describe(r)));
      return 0;
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Archive the production version and put back the one that was in production before it.")
  static final class Rollback extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
      var ctx = session().jobContext();
      ctx.model(model);
      Registry.TransitionResult r = new Registry(ctx.lake()).rollback(model, ctx.actor(), reason);
      out().job(JobOutput.of(r.message(), dev.esteira.jobs.PromoteJob.describe(r)));
      if (r.accepted() && !r.unchanged()) {
        // Each rollback is a new decision (running the command again rolls back again): its moment is part of it.
        Alerting.raise(ctx, java.util.List.of(dev.esteira.alerts.AlertEvent.rollback(model, r.version().version(),
            r.message() + " at " + java.time.Instant.now(), r.message())));
      }
      return 0;
    }
  }

  @Command(name = "alias", mixinStandardHelpOptions = true,
      description = {"Point an alias (champion, challenger, any lowercase name) at a version; it leaves the version "
          + "that held it. With --delete, remove the alias.", "Example: esteira registry alias loan_default champion 3"})
  static final class Alias extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Parameters(index = "1", paramLabel = "ALIAS") String alias;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION") Integer version;

    @Option(names = "--delete", description = "Remove the alias from the version that holds it.")
    boolean delete;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
      if (delete == (version != null)) {
        throw new EsteiraException("registry alias: give either VERSION or --delete");
      }
      var ctx = session().kernelWriteContext(List.of(RegistryTables.TRANSITIONS));
      Registry registry = new Registry(ctx.lake());
      ModelVersion v = delete
          ? registry.removeAlias(model, alias, ctx.actor(), reason)
          : registry.setAlias(model, alias, version, ctx.actor(), reason);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("model", model);
      data.put("alias", alias);
      data.put("version", delete ? null : v.version());
      out().result(delete ? model + ": alias " + alias + " removed from v" + v.version()
          : model + ": alias " + alias + " -> v" + v.version(), data);
      return 0;
    }
  }

  @Command(name = "tag", mixinStandardHelpOptions = true,
      description = {"Set tags (KEY=VALUE) on a version, or remove them with --delete KEY.",
          "Example: esteira registry tag loan_default 3 reviewed_by=ana ticket=ML-42"})
  static final class Tag extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Parameters(index = "1", paramLabel = "VERSION") int version;

    @Parameters(index = "2..*", arity = "0..*", paramLabel = "KEY=VALUE") List<String> tags = new ArrayList<>();

    @Option(names = "--delete", paramLabel = "KEY", description = "Remove this tag (repeatable).")
    List<String> delete = new ArrayList<>();

    @Override
    public Integer call() {
      if (tags.isEmpty() && delete.isEmpty()) {
        throw new EsteiraException("registry tag: give KEY=VALUE or --delete KEY");
      }
      var ctx = session().kernelWriteContext(List.of(RegistryTables.TRANSITIONS));
      Registry registry = new Registry(ctx.lake());
      ModelVersion v = null;
      for (String kv : tags) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new EsteiraException("registry tag: '" + kv + "' is not KEY=VALUE");
        }
        v = registry.setTag(model, version, kv.substring(0, eq), kv.substring(eq + 1), ctx.actor());
      }
      for (String key : delete) {
        v = registry.setTag(model, version, key, null, ctx.actor());
      }
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("model", model);
      data.put("version", version);
      data.put("tags", v.tags());
      out().result(model + " v" + version + " tags: " + new java.util.TreeMap<>(v.tags()), data);
      return 0;
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true, description = "Set the description of a version.")
  static final class Describe extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Parameters(index = "1", paramLabel = "VERSION") int version;

    @Parameters(index = "2", paramLabel = "TEXT") String text;

    @Override
    public Integer call() {
      var ctx = session().kernelWriteContext(List.of(RegistryTables.TRANSITIONS));
      ModelVersion v = new Registry(ctx.lake()).describe(model, version, text, ctx.actor());
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("model", model);
      data.put("version", version);
      data.put("description", v.description());
      out().result(model + " v" + version + ": description set", data);
      return 0;
    }
  }
}
