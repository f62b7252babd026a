package dev.esteira.cli;

import dev.esteira.demo.DemoData;
import picocli.CommandLine.Option;

/** The knobs of the demo data. */
final class DemoOptions {
  private static final DemoData.Options DEFAULTS = DemoData.Options.defaults();

  @Option(names = "--days", paramLabel = "N",
      description = "Simulated days run by the nightly workflow (default: ${DEFAULT-VALUE}); 0 runs none but still "
          + "writes the default number of days' files, for runs started elsewhere (e.g. by Airflow).")
  int days = DEFAULTS.days();

  @Option(names = "--drift-from-day", paramLabel = "K",
      description = "First day on which income and purpose drift (default: ${DEFAULT-VALUE}).")
  int driftFromDay = DEFAULTS.driftFromDay();

  @Option(names = "--rows", paramLabel = "N", description = "Rows per daily batch (default: ${DEFAULT-VALUE}).")
  int rows = DEFAULTS.dailyRows();

  @Option(names = "--reference-rows", paramLabel = "N",
      description = "Rows in the reference (training) batch (default: ${DEFAULT-VALUE}).")
  int referenceRows = DEFAULTS.referenceRows();

  @Option(names = "--task", paramLabel = "TASK",
      description = "Which demo: classification (loans, the default: the nightly loop with drift), regression "
          + "(houses: a price model) or clustering (customers: shopper segments).")
  String task = "classification";

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = DEFAULTS.seed();

  DemoData.Options options() {
    if (days < 0) {
      throw new dev.esteira.EsteiraException("--days must be at least 0, got " + days);
    }
    int generated = days == 0 ? DEFAULTS.days() : days;
    return new DemoData.Options(seed, generated, driftFromDay, referenceRows, rows, DEFAULTS.labelDelayDays());
  }
}
