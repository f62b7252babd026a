package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.jobs.JobOutput;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = "The model registry: versions, stages, gated promotions and rollback.",
    subcommands = {
      RegistryCommand.ListVersions.class, RegistryCommand.Show.class, RegistryCommand.Promote.class,
      RegistryCommand.Rollback.class
    })
final class RegistryCommand implements Runnable {
  @Override
  public void run() {
    throw new EsteiraException("give a registry command: list, show, promote or rollback");
  }

  static List<Object> summary(ModelVersion v) {
    return List.of(v.model(), v.version(), v.stage().label(), v.runId(),
        v.dataset() + "@" + v.datasetVersion() + " (" + v.batch() + ")",
        v.metrics().getOrDefault("auc_roc", Double.NaN), v.createdAt().toString());
  }

  static final List<String> HEADERS =
      List.of("model", "version", "stage", "run_id", "trained_on", "auc_roc", "created_at");

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered model versions.")
  static final class ListVersions extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Only this model.")
    String model;

    @Override
    public Integer call() {
      List<List<Object>> rows = new ArrayList<>();
      for (ModelVersion v : new Registry(session().lake()).versions(model)) {
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

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION") Integer version;

    @Override
    public Integer call() {
      Registry registry = new Registry(session().lake());
      ModelVersion v = version == null ? registry.requireProduction(model) : registry.version(model, version);
      List<Map<String, Object>> transitions = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      text.append(v.model()).append(" v").append(v.version()).append(" [").append(v.stage().label()).append("]\n")
          .append("  run:            ").append(v.runId()).append('\n')
          .append("  trained on:     ").append(v.dataset()).append(" version ").append(v.datasetVersion())
          .append(" (batch ").append(v.batch()).append(")\n")
          .append("  config hash:    ").append(v.configHash()).append('\n')
          .append("  code version:   ").append(v.codeVersion()).append('\n')
          .append("  artifact:       ").append(v.artifactPath()).append('\n')
          .append("  sha256:         ").append(v.artifactSha256()).append('\n')
          .append("  metrics:        ").append(new java.util.TreeMap<>(v.metrics())).append('\n')
          .append("  transitions:");
      for (Row t : registry.transitions(model)) {
        if (t.<Integer>getAs("version") != v.version()) {
          continue;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        for (String f : t.schema().fieldNames()) {
          doc.put(f, Output.plain(t.getAs(f)));
        }
        transitions.add(doc);
        text.append("\n    ").append(t.<Object>getAs("at")).append("  ").append(t.<String>getAs("from_stage"))
            .append(" -> ").append(t.<String>getAs("to_stage")).append(t.<Boolean>getAs("accepted") ? "" : "  REFUSED")
            .append("  by ").append(t.<String>getAs("actor")).append(": ").append(t.<String>getAs("reason"));
      }
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("model", v.model());
      data.put("version", v.version());
      data.put("stage", v.stage().label());
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
      var ctx = session().jobContext();
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
      return 0;
    }
  }
}
