package dev.esteira.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every annotated command shares: its session and its output. */
abstract class BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  Session session() {
    return Main.session(spec);
  }

  Output out() {
    return Main.output(spec);
  }
}
