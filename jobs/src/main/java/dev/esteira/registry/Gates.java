package dev.esteira.registry;

import dev.esteira.ml.GateThreshold;
import dev.esteira.ml.Metric;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Risk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gates of a stage, checked on a version: floors, ceilings and limits in each metric's direction,
 * beating the champion, and fairness bounds across slices; every threshold tightened by the spec's risk
 * level ({@link Risk}). A check's name says the risk when it changed the declared threshold.
 */
public final class Gates {
  private Gates() {}

  /** One threshold as declared and as in force under the spec's risk level. */
  public record Threshold(String check, GateThreshold gate, double declared, double effective, boolean floor) {}

  /** The thresholds a stage's gate declares, in a stable order, with their effective values. */
  public static List<Threshold> thresholds(ModelSpec spec, String stage) {
    List<Threshold> out = new ArrayList<>();
    ModelSpec.Gate gate = spec.gates().get(stage);
    if (gate == null) {
      return out;
    }
    Risk risk = spec.risk();
    for (GateThreshold g : gate.thresholds(spec.task(), "gates." + stage)) {
      out.add(new Threshold(g.check(), g, g.declared(), risk.tighten(g.declared(), g.ideal(), g.floor()), g.floor()));
    }
    return out;
  }

  public static List<GateResult> check(
      ModelSpec spec, ModelVersion v, Stage target, Optional<ModelVersion> champion,
      Map<String, Map<String, Double>> sliceMetrics) {
    List<GateResult> results = new ArrayList<>();
    ModelSpec.Gate gate = spec.gates().get(target.label());
    if (gate == null) {
      return results;
    }
    String riskNote = spec.risk() == Risk.LOW ? "" : " (risk " + spec.risk().label() + ")";
    for (Threshold t : thresholds(spec, target.label())) {
      String check = t.check() + (t.effective() != t.declared() ? riskNote : "");
      Double value = t.gate().measure(v.metrics(), sliceMetrics);
      boolean passed = value != null && !value.isNaN()
          && (t.floor() ? value >= t.effective() : value <= t.effective());
      results.add(new GateResult(check, value, t.effective(), passed));
    }
    if (gate.beatChampion() != null && champion.isPresent() && champion.get().version() != v.version()) {
      String name = gate.beatChampion();
      Metric metric = spec.task().requireMetric(name, "gates." + target.label() + ".beat_champion");
      Double value = v.metrics().get(name);
      Double reference = champion.get().metrics().get(name);
      boolean passed = value != null && reference != null && metric.better(value, reference, gate.minDelta());
      results.add(new GateResult(
          "beat champion v" + champion.get().version() + " on " + name + " (" + metric.direction() + ")",
          value, reference, passed));
    }
    return results;
  }
}
