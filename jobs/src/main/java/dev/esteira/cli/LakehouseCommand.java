package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.lake.Lakehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
    name = "lakehouse",
    mixinStandardHelpOptions = true,
    description = "The lakehouse itself: the schema version of each metadata table, and migration from older ones.",
    subcommands = {LakehouseCommand.Status.class, LakehouseCommand.Migrate.class})
final class LakehouseCommand implements Runnable {
  @Override
  public void run() {
    throw new EsteiraException("give a lakehouse command: status or migrate (see `esteira lakehouse --help`)");
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show each metadata table's schema version on disk and the version this Esteira reads.")
  static final class Status extends BaseCommand {
    @Override
    public Integer call() {
      Lakehouse lake = session().metadataLake();
      List<List<Object>> rows = new ArrayList<>();
      for (Lakehouse.TableStatus s : lake.status(MetadataTables.ALL)) {
        rows.add(List.of(s.table(), s.exists() ? s.version() : "-", s.current(),
            !s.exists() ? "not created yet" : s.needsMigration() ? "needs `esteira lakehouse migrate`" : "ok"));
      }
      out().table(List.of("table", "version", "current", "state"), rows, "(" + lake.root() + ")");
      return 0;
    }
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = {"Bring every metadata table to the schema this Esteira reads, each in one commit "
          + "(rerun it after a crash: tables already migrated are left alone). The README lists what each "
          + "schema version changed."})
  static final class Migrate extends BaseCommand {
    @Override
    public Integer call() {
      Lakehouse lake = session().lake();
      List<String> done = lake.migrate(MetadataTables.ALL, m -> session().progress().report(m));
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("lakehouse", lake.root());
      data.put("migrated", done);
      out().result(done.isEmpty() ? "every table is at its current schema version" : "migrated: " + String.join("; ", done), data);
      return 0;
    }
  }
}
