package dev.esteira.cli;

import dev.esteira.demo.DemoData;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo-data",
    mixinStandardHelpOptions = true,
    description = "Write the built-in demo data (loan applications, daily batches, late labels) to a folder.")
final class DemoDataCommand extends BaseCommand {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the files.")
  Path out;

  @Mixin DemoOptions demo;

  @Override
  public Integer call() {
    DemoData.Options o = demo.options();
    if (!demo.task.equals("classification")) {
      dev.esteira.demo.TaskDemoData.generate(out, demo.task, o.seed(), o.referenceRows(), o.dailyRows(), o.days());
      out().result(
          "wrote the " + demo.task + " demo's reference batch and " + o.days() + " daily batches under " + out,
          Map.of("out", out.toString(), "task", demo.task, "days", o.days()));
      return 0;
    }
    DemoData.generate(out, o);
    out().result(
        "wrote the reference batch, " + o.days() + " daily batches and their labels under " + out,
        Map.of("out", out.toString(), "days", o.days(), "drift_from_day", o.driftFromDay()));
    return 0;
  }
}
