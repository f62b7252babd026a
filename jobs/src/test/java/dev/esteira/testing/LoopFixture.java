package dev.esteira.testing;

import dev.esteira.demo.DemoData;
import dev.esteira.jobs.JobContext;
import dev.esteira.jobs.JobOutput;
import dev.esteira.jobs.JobParams;
import dev.esteira.jobs.Jobs;
import dev.esteira.lake.Lakehouse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A lakehouse with the demo's data and its model in production, built by running the jobs themselves
 * in-process (no workflow, no drift statistics): the start of the ground-truth and loop tests.
 */
public final class LoopFixture {
  public final Lakehouse lake;
  public final Path landing;
  public final JobContext ctx;

  public LoopFixture(String name, Path confDir, DemoData.Options options) {
    this.lake = TestSpark.freshLakehouse(name);
    this.landing = Path.of(lake.root().replaceFirst("^file:", "")).resolve("landing");
    this.ctx = new JobContext(TestSpark.config(), lake, confDir, "test", dev.esteira.Progress.NONE);
    DemoData.generate(landing, options);
    job("ingest", "dataset", "loans", "path", landing.resolve("reference.csv").toString(), "batch", "reference", "tag", "training");
    job("train", "model", "loan_default", "batch", "reference");
    job("register", "model", "loan_default");
    job("promote", "model", "loan_default", "stage", "staging");
    job("promote", "model", "loan_default", "stage", "production");
  }

  /** Runs a job by name with parameters given as name, value, name, value... */
  public JobOutput job(String name, String... kv) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      params.put(kv[i], kv[i + 1]);
    }
    var job = Jobs.get(name);
    return job.run(ctx, JobParams.of(job, params, "test"));
  }

  public void ingestDay(int d) {
    job("ingest", "dataset", "loans", "path", landing.resolve("daily/day-" + DemoData.day(d) + ".csv").toString(),
        "batch", "day-" + DemoData.day(d));
  }

  public void ingestLabelsArrivedOn(int d) {
    job("ingest", "dataset", "loan_labels", "path",
        landing.resolve("labels/arrived-day-" + DemoData.day(d) + ".csv").toString(), "batch", "arrived-day-" + DemoData.day(d));
  }
}
