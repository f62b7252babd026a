package dev.esteira.jobs;

import dev.esteira.data.Datasets;
import dev.esteira.explain.ExplanationStore;
import dev.esteira.explain.Explainer;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-prediction contributions of a model version on a dataset batch, stored in {@code explanations}
 * beside the predictions (same key); prints each column's mean absolute contribution and a few rows' top
 * contributions.
 */
public final class ExplainJob implements Job {
  @Override
  public String name() {
    return "explain";
  }

  @Override
  public String summary() {
    return "Explain a batch's predictions: each feature column's contribution per row (exact for linear, logistic "
        + "and tree models), stored beside the predictions; rerunning replaces that version's explanations";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.required("batch", "dataset batch to explain"),
        JobParam.optional("dataset", "dataset to read (default: the model's dataset)", null),
        JobParam.optional("version", "model version or alias (default: the production version)", null),
        JobParam.optional("rows", "how many rows (by row id) to print with their top contributions", "3")
            .as(JobParam.Type.WHOLE_NUMBER).must(JobParam.Rule.atLeast(0)),
        JobParam.optional("top", "how many contributions to print per row and for the batch", "3")
            .as(JobParam.Type.WHOLE_NUMBER).must(JobParam.Rule.atLeast(1)));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    String dataset = p.get("dataset", spec.dataset());
    int top = p.integer("top");
    Registry registry = new Registry(ctx.lake());
    ModelVersion version = p.get("version") == null
        ? registry.requireProduction(spec.name()) : registry.resolve(spec.name(), p.get("version"));
    var data = new Datasets(ctx.lake()).readBatch(dataset, p.get("batch"));
    Explainer.Result r = new Explainer(ctx.lake()).explain(spec, version, data, p.integer("rows"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("version", version.version());
    out.put("dataset", dataset);
    out.put("batch", r.batch());
    out.put("rows", r.rows());
    out.put("method", r.method());
    out.put("output", r.output());
    out.put("base_value", r.baseValue());
    List<Map<String, Object>> columns = new ArrayList<>();
    for (ExplanationStore.ColumnSummary c : r.columns()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("column", c.column());
      m.put("mean_abs_contribution", c.meanAbs());
      m.put("mean_contribution", c.mean());
      columns.add(m);
    }
    out.put("columns", columns);
    StringBuilder msg = new StringBuilder("explained " + r.rows() + " rows of " + dataset + " batch " + r.batch()
        + " with " + spec.name() + " v" + version.version() + " (" + r.method() + ", contributions add up to the "
        + r.output().replace('_', ' ') + " from base " + num(r.baseValue()) + ")");
    msg.append("\n  largest mean |contribution|: ");
    msg.append(String.join(", ", r.columns().stream().limit(top).map(c -> c.column() + " " + num(c.meanAbs())).toList()));
    List<Map<String, Object>> examples = new ArrayList<>();
    for (ExplanationStore.Explanation e : r.examples()) {
      List<String> parts = e.top(top).stream().map(t -> t.getKey() + " " + signed(t.getValue())).toList();
      msg.append("\n  row ").append(e.rowId()).append(": ").append(r.output().replace('_', ' ')).append(' ')
          .append(num(e.outputValue())).append(" = base ").append(num(e.baseValue())).append(' ')
          .append(String.join(" ", parts)).append(e.contributions().size() > top ? " …" : "");
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("row_id", e.rowId());
      m.put("output_value", e.outputValue());
      m.put("contributions", e.contributions());
      examples.add(m);
    }
    out.put("examples", examples);
    return JobOutput.of(msg.toString(), out);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "") + num(v);
  }
}
