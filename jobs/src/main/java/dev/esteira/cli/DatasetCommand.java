package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.data.DatasetVersion;
import dev.esteira.data.Datasets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Versioned datasets: list versions, tag one, read one back.",
    subcommands = {DatasetCommand.ListVersions.class, DatasetCommand.Tag.class, DatasetCommand.Show.class})
final class DatasetCommand implements Runnable {
  @Override
  public void run() {
    throw new EsteiraException("give a dataset command: list, tag or show");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List dataset versions, newest first.")
  static final class ListVersions extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DATASET") String dataset;

    @Override
    public Integer call() {
      List<List<Object>> rows = new ArrayList<>();
      for (DatasetVersion v : new Datasets(session().metadataLake()).versions(dataset)) {
        rows.add(java.util.Arrays.asList(v.dataset(), v.version(), v.batch(), v.tag(), v.rowCount(),
            v.contractStatus(), v.expectationsStatus(), v.contentFingerprint().substring(0, 12), v.createdAt().toString()));
      }
      if (dataset != null && rows.isEmpty()) {
        throw new EsteiraException("unknown dataset '" + dataset + "': nothing ingested yet");
      }
      out().table(List.of("dataset", "version", "batch", "tag", "rows", "contract", "expectations", "content", "created_at"),
          rows, "(" + rows.size() + " versions)");
      return 0;
    }
  }

  @Command(name = "tag", mixinStandardHelpOptions = true,
      description = "Name a dataset version; the tag moves if it was on another version.")
  static final class Tag extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DATASET") String dataset;

    @Parameters(index = "1", paramLabel = "VERSION") long version;

    @Parameters(index = "2", paramLabel = "TAG") String tag;

    @Override
    public Integer call() {
      DatasetVersion v = new Datasets(session().lake()).tag(dataset, version, tag);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("dataset", v.dataset());
      data.put("version", v.version());
      data.put("tag", v.tag());
      out().result(dataset + " version " + version + " tagged '" + tag + "'", data);
      return 0;
    }
  }

  @Command(name = "show",
      description = "Read a dataset back exactly as of a version or a tag (or one batch at its version).")
  static final class Show extends BaseCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "DATASET") String dataset;

    static final class Selector {
      @Option(names = "--version", paramLabel = "N", description = "As of this Delta version.") Long version;

      @Option(names = "--tag", paramLabel = "TAG", description = "As of the version with this tag.") String tag;

      @Option(names = "--batch", paramLabel = "BATCH", description = "Only this batch, at its version.") String batch;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1") Selector selector;

    @Option(names = "--limit", paramLabel = "N", description = "Rows to print (default: ${DEFAULT-VALUE}).")
    int limit = 20;

    @Override
    public Integer call() {
      Datasets datasets = new Datasets(session().readLake());
      Dataset<Row> frame;
      String what;
      if (selector != null && selector.batch != null) {
        var vf = datasets.readBatch(dataset, selector.batch);
        frame = vf.frame();
        what = "batch " + selector.batch + " at version " + vf.version().version();
      } else {
        long version;
        if (selector != null && selector.version != null) {
          version = datasets.version(dataset, selector.version).version();
        } else if (selector != null && selector.tag != null) {
          version = datasets.tagged(dataset, selector.tag).version();
        } else {
          List<DatasetVersion> all = datasets.versions(dataset);
          if (all.isEmpty()) {
            throw new EsteiraException("unknown dataset '" + dataset + "': nothing ingested yet");
          }
          version = all.get(0).version();
        }
        frame = datasets.readVersion(dataset, version);
        what = "as of version " + version;
      }
      long count = frame.count();
      List<List<Object>> rows = new ArrayList<>();
      for (Row r : frame.limit(limit).collectAsList()) {
        List<Object> cells = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
          cells.add(r.get(i));
        }
        rows.add(cells);
      }
      out().table(List.of(frame.columns()), rows, dataset + " " + what + ": " + count + " rows");
      return 0;
    }
  }
}
