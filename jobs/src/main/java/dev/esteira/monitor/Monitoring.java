package dev.esteira.monitor;

import dev.esteira.config.EsteiraConfig;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.stats.DriftPolicy;

/** The monitor's parts built from the {@code drift:} section of the configuration. */
public final class Monitoring {
  private Monitoring() {}

  public static DriftPolicy policy(EsteiraConfig.Drift d) {
    return new DriftPolicy(d.bins(), d.minRows(), d.smallSampleRows(), d.pValue(), d.thresholds(), d.datasetLevel(),
        d.historyWindow(), d.historyMinBatches(), d.historyZ());
  }

  public static Profiler profiler(Lakehouse lake, EsteiraConfig.Drift d) {
    return new Profiler(lake, d.sketchK(), d.categoryCap());
  }

  public static DriftDetector detector(Lakehouse lake, EsteiraConfig.Drift d) {
    return new DriftDetector(lake, profiler(lake, d), policy(d));
  }
}
