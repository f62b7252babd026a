package dev.esteira.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.esteira.testing.CliProcess;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input corpus (issue 10): every mistake a user or a hostile tester makes, run against one demo
 * lakehouse. Each case must exit non-zero with exactly one line on stderr that names what is wrong, no
 * stack trace, and leave the lakehouse as it was (every Delta table at the same latest version, no
 * table or folder added). In-process on the shared SparkSession; two cases need a real process.
 */
class BadInputCorpusTest {
  static Path lake;
  static Path work;
  static Path conf;

  /** A case: its name, a fragment its one error line must contain, and the arguments after the lakehouse. */
  record Case(String name, String expected, List<String> args, boolean exactArgs) {
    static Case of(String name, String expected, String... args) {
      return new Case(name, expected, List.of(args), false);
    }

    /** A case given its whole command line (its own --lakehouse, --conf-dir). */
    static Case exact(String name, String expected, String... args) {
      return new Case(name, expected, List.of(args), true);
    }
  }

  @BeforeAll
  static void demoLakehouse() throws IOException {
    lake = TestSpark.newDir("corpus-lake");
    work = TestSpark.newDir("corpus-input");
    conf = TestSpark.confDir();
    long start = System.nanoTime();
    // The training workflow only (no night): a registered model in production, runs, datasets and a run log.
    // Without the tuning grid, which would fit the model three times instead of once: the corpus needs a
    // model in production, not a tuned one.
    String untuned = confWith("models/loan_default.yaml", "  grid:\n    elastic_net_param: [0.0, 0.5]\n", "  grid: {}\n");
    // The gates stay real but cannot depend on which grid point would have won on 300 rows.
    Path spec = Path.of(untuned, "models/loan_default.yaml");
    Files.writeString(spec, Files.readString(spec)
        .replace("min: {auc_roc: 0.70, accuracy: 0.6}", "min: {auc_roc: 0.55}").replace("min: {auc_roc: 0.65}", "min: {auc_roc: 0.55}"));
    CommandLineTest.Result r = InProcessCli.run(lake, "--conf-dir", untuned, "demo", "--days", "0", "--rows", "100",
        "--reference-rows", "300", "--workflows", TestSpark.projectRoot().resolve("workflows").toString());
    assertEquals(0, r.code(), r.err());
    System.out.printf("corpus: demo lakehouse built in %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  static String reference() {
    return lake.resolve("landing/reference.csv").toString();
  }

  /** The reference batch with one value of one column replaced in its first rows. */
  static String csvWith(String name, String column, String value) {
    try {
      List<String> lines = Files.readAllLines(Path.of(reference()));
      List<String> header = List.of(lines.get(0).split(","));
      int at = header.indexOf(column);
      List<String> out = new ArrayList<>();
      out.add(lines.get(0));
      for (int i = 1; i < Math.min(lines.size(), 51); i++) {
        String[] cells = lines.get(i).split(",", -1);
        if (i <= 3) {
          cells[at] = value;
        }
        out.add(String.join(",", cells));
      }
      Path file = work.resolve(name);
      Files.write(file, out);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String file(String name, String text) {
    try {
      Path file = work.resolve(name);
      Files.writeString(file, text);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String confWith(String relativeFile, String from, String to) {
    return CliProcess.confWith(relativeFile, from, to).toString();
  }

  static List<Case> cases() throws IOException {
    List<Case> c = new ArrayList<>();
    String lakeDir = lake.toString();
    String missingLake = work.resolve("no-such-lakehouse").toString();
    String fileLake = file("lakehouse-is-a-file", "not a folder");
    String nightly = TestSpark.projectRoot().resolve("workflows/nightly.yaml").toString();
    // Values a numeric contract column must refuse, and files that are not what they claim.
    c.add(Case.of("NaN in a double column", "NaN values", "ingest", "--dataset", "loans", "--path", csvWith("nan.csv", "income", "NaN"), "--batch", "x1"));
    c.add(Case.of("Infinity in a double column", "infinite values", "ingest", "--dataset", "loans", "--path", csvWith("inf.csv", "income", "Infinity"), "--batch", "x2"));
    c.add(Case.of("-Infinity in a double column", "infinite values", "ingest", "--dataset", "loans", "--path", csvWith("neginf.csv", "loan_amount", "-Infinity"), "--batch", "x3"));
    c.add(Case.of("1e400 parses to Infinity", "infinite values", "ingest", "--dataset", "loans", "--path", csvWith("big.csv", "income", "1e400"), "--batch", "x4"));
    c.add(Case.of("NaN in an integer column", "not of type integer", "ingest", "--dataset", "loans", "--path", csvWith("nanint.csv", "age", "NaN"), "--batch", "x5"));
    c.add(Case.of("value below min", "below min", "ingest", "--dataset", "loans", "--path", csvWith("young.csv", "age", "10"), "--batch", "x6"));
    c.add(Case.of("value not allowed", "not in", "ingest", "--dataset", "loans", "--path", csvWith("mars.csv", "region", "mars"), "--batch", "x7"));
    c.add(Case.of("text in a number column", "not of type", "ingest", "--dataset", "loans", "--path", csvWith("abc.csv", "credit_score", "abc"), "--batch", "x8"));
    c.add(Case.of("null in a non-nullable column", "nulls", "ingest", "--dataset", "loans", "--path", csvWith("null.csv", "purpose", ""), "--batch", "x9"));
    c.add(Case.of("missing column", "missing column 'region'", "ingest", "--dataset", "loans", "--path",
        file("nocol.csv", "application_id,age,income,loan_amount,credit_score,employment_years,home_ownership,purpose\na,30,1,1,600,1,OWN,car\n"), "--batch", "x10"));
    c.add(Case.of("unexpected column", "unexpected column 'colour'", "ingest", "--dataset", "loans", "--path",
        file("extra.csv", "application_id,age,income,loan_amount,credit_score,employment_years,home_ownership,purpose,region,colour\na,30,1,1,600,1,OWN,car,north,red\n"), "--batch", "x11"));
    c.add(Case.of("malformed CSV row", "malformed.csv", "ingest", "--dataset", "loans", "--path",
        file("malformed.csv", "application_id,age,income,loan_amount,credit_score,employment_years,home_ownership,purpose,region\na,30,1,1,600,1,OWN,car,north,extra,fields\n"), "--batch", "x12"));
    c.add(Case.of("empty file", "input is empty", "ingest", "--dataset", "loans", "--path", file("empty.csv", ""), "--batch", "x13"));
    c.add(Case.of("missing input", "input not found", "ingest", "--dataset", "loans", "--path", work.resolve("nope.csv").toString(), "--batch", "x14"));
    c.add(Case.of("CSV read as parquet", "as parquet", "ingest", "--dataset", "loans", "--path", reference(), "--batch", "x15", "--input-format", "parquet"));
    c.add(Case.of("unknown input format", "parameter 'input_format' must be one of csv, parquet, json, got 'xml'", "ingest", "--dataset", "loans", "--path", reference(), "--batch", "x16", "--input-format", "xml"));
    c.add(Case.of("unknown dataset", "unknown dataset 'lions'", "ingest", "--dataset", "lions", "--path", reference(), "--batch", "x17"));
    // Names that try to escape: path traversal and SQL injection.
    c.add(Case.of("dataset name with path traversal", "../../etc/passwd", "ingest", "--dataset", "../../etc/passwd", "--path", reference(), "--batch", "x18"));
    c.add(Case.of("batch name with path traversal", "../x", "ingest", "--dataset", "loans", "--path", reference(), "--batch", "../x"));
    c.add(Case.of("batch name with SQL", "'", "ingest", "--dataset", "loans", "--path", reference(), "--batch", "b' OR '1'='1"));
    c.add(Case.of("model name with SQL", "loan_default' OR '1'='1", "registry", "show", "loan_default' OR '1'='1"));
    c.add(Case.of("model name with path traversal", "../loans", "train", "--model", "../loans"));
    c.add(Case.of("registry list of an injected name", "x; DROP TABLE models", "registry", "list", "x; DROP TABLE models"));
    c.add(Case.of("dataset list of an injected name", "loans' --", "dataset", "list", "loans' --"));
    c.add(Case.of("dataset tag with SQL", "x' OR 1=1", "dataset", "show", "loans", "--tag", "x' OR 1=1"));
    c.add(Case.of("run id with SQL", "' OR '1'='1", "runs", "show", "' OR '1'='1"));
    c.add(Case.of("workflow run id with path traversal", "../x", "workflow", "show", "../x"));
    // SQL.
    c.add(Case.of("SQL syntax error", "PARSE_SYNTAX_ERROR", "sql", "selec 1"));
    c.add(Case.of("empty SQL", "PARSE", "sql", ""));
    c.add(Case.of("SQL unknown column", "nope", "sql", "SELECT nope FROM models"));
    c.add(Case.of("SQL unknown table", "no_such_table", "sql", "SELECT * FROM no_such_table"));
    c.add(Case.of("SQL stacked statements", "PARSE_SYNTAX_ERROR", "sql", "SELECT * FROM models; DROP TABLE models"));
    c.add(Case.of("SQL DROP", "read-only", "sql", "DROP TABLE models"));
    c.add(Case.of("SQL DELETE", "read-only", "sql", "DELETE FROM runs"));
    c.add(Case.of("SQL INSERT", "read-only", "sql", "INSERT INTO runs SELECT * FROM runs"));
    c.add(Case.of("SQL negative limit", "--limit", "sql", "SELECT 1", "--limit", "-1"));
    // The registry.
    c.add(Case.of("unknown model", "unknown model 'nope'", "registry", "show", "nope"));
    c.add(Case.of("unknown version", "loan_default", "registry", "show", "loan_default", "99"));
    c.add(Case.of("unknown alias", "nosuchalias", "registry", "show", "loan_default", "nosuchalias"));
    c.add(Case.of("promote an unknown model", "unknown model 'nope'", "registry", "promote", "nope", "1", "--to", "staging"));
    c.add(Case.of("promote an unknown version", "99", "registry", "promote", "loan_default", "99", "--to", "staging"));
    c.add(Case.of("promote to an unknown stage", "unknown stage 'heaven'", "registry", "promote", "loan_default", "1", "--to", "heaven"));
    c.add(Case.of("version is not a number", "'abc'", "registry", "promote", "loan_default", "abc", "--to", "staging"));
    c.add(Case.of("alias with spaces", "bad alias", "registry", "alias", "loan_default", "Bad Alias", "1"));
    c.add(Case.of("alias named like a stage", "stage", "registry", "alias", "loan_default", "production", "1"));
    c.add(Case.of("alias without version or --delete", "--delete", "registry", "alias", "loan_default", "champion"));
    c.add(Case.of("tag without KEY=VALUE", "KEY=VALUE", "registry", "tag", "loan_default", "1"));
    c.add(Case.of("tag that is no KEY=VALUE", "'novalue'", "registry", "tag", "loan_default", "1", "novalue"));
    c.add(Case.of("tag an unknown version", "99", "registry", "tag", "loan_default", "99", "k=v"));
    c.add(Case.of("describe an unknown version", "99", "registry", "describe", "loan_default", "99", "text"));
    c.add(Case.of("registry without a command", "registry", "registry"));
    c.add(Case.of("promote job to an unknown stage", "parameter 'stage' must be one of staging, production, archived, got 'prod'", "promote", "--model", "loan_default", "--stage", "prod"));
    c.add(Case.of("train an unknown model", "unknown model 'nope'", "train", "--model", "nope"));
    c.add(Case.of("register an unknown run", "nosuchrun", "register", "--model", "loan_default", "--run-id", "nosuchrun"));
    // Datasets, runs and workflow runs.
    c.add(Case.of("dataset show of an unknown version", "99", "dataset", "show", "loans", "--version", "99"));
    c.add(Case.of("dataset show of an unknown tag", "nosuchtag", "dataset", "show", "loans", "--tag", "nosuchtag"));
    c.add(Case.of("dataset tag of an unknown version", "99", "dataset", "tag", "loans", "99", "mytag"));
    c.add(Case.of("validate an unknown batch", "nosuchbatch", "validate", "--dataset", "loans", "--batch", "nosuchbatch"));
    c.add(Case.of("profile an unknown batch", "nosuchbatch", "profile", "--dataset", "loans", "--batch", "nosuchbatch"));
    c.add(Case.of("drift of an unknown batch", "nosuchbatch", "drift", "--dataset", "loans", "--batch", "nosuchbatch"));
    c.add(Case.of("score an unknown batch", "nosuchbatch", "score", "--model", "loan_default", "--batch", "nosuchbatch"));
    c.add(Case.of("unknown run", "unknown run 'nosuchrun'", "runs", "show", "nosuchrun"));
    c.add(Case.of("runs list --limit 0", "--limit", "runs", "list", "--limit", "0"));
    c.add(Case.of("unknown workflow run", "unknown workflow run 'nosuchrun'", "workflow", "show", "nosuchrun"));
    c.add(Case.of("runs of an unknown workflow", "nosuchworkflow", "workflow", "runs", "nosuchworkflow"));
    // Workflows.
    c.add(Case.of("missing workflow file", "nope.yaml", "run", work.resolve("nope.yaml").toString()));
    c.add(Case.of("workflow with a cycle", "cycle", "run", file("cycle.yaml", """
        name: loop
        steps:
          - {id: a, job: validate, with: {dataset: loans, batch: x}, depends_on: [b]}
          - {id: b, job: validate, with: {dataset: loans, batch: x}, depends_on: [a]}
        """)));
    c.add(Case.of("workflow with an unknown job", "teleport", "run", file("job.yaml", """
        name: unknown_job
        steps:
          - {id: a, job: teleport, with: {dataset: loans}}
        """)));
    c.add(Case.of("workflow step with an unknown parameter", "colour", "run", file("param.yaml", """
        name: unknown_param
        steps:
          - {id: a, job: validate, with: {dataset: loans, batch: x, colour: red}}
        """)));
    c.add(Case.of("workflow with an unknown dependency", "nowhere", "run", file("dep.yaml", """
        name: unknown_dep
        steps:
          - {id: a, job: validate, with: {dataset: loans, batch: x}, depends_on: [nowhere]}
        """)));
    c.add(Case.of("workflow promotes to an unknown stage", "parameter 'stage' must be one of staging, production, archived, got 'prod'", "run", file("stage.yaml", """
        name: bad_stage
        steps:
          - {id: a, job: validate, with: {dataset: loans, batch: reference}}
          - {id: b, job: promote, with: {model: loan_default, stage: prod}, depends_on: [a]}
        """)));
    c.add(Case.of("workflow that is not YAML", "bad.yaml", "run", file("bad.yaml", "name: [unclosed\n")));
    c.add(Case.of("unknown workflow parameter", "nope", "run", nightly, "--dry-run", "--param", "nope=1"));
    c.add(Case.of("unknown step", "nosuchstep", "run", nightly, "--dry-run", "--step", "nosuchstep"));
    c.add(Case.of("--attempt 0", "--attempt", "run", nightly, "--step", "ingest", "--attempt", "0"));
    c.add(Case.of("--run-id without --step", "--step", "run", nightly, "--run-id", "r1"));
    // Configuration that means nothing.
    c.add(Case.of("unknown environment", "unknown environment 'moon'", "--env", "moon", "registry", "list"));
    c.add(Case.of("missing conf folder", "no-such-conf", "--conf-dir", work.resolve("no-such-conf").toString(), "registry", "list"));
    c.add(Case.of("unknown config key", "unknown key 'spark.app_nam'", "--conf-dir",
        confWith("esteira.yaml", "  app_name: esteira", "  app_nam: esteira"), "registry", "list"));
    c.add(Case.of("negative drift threshold", "drift.thresholds.psi", "--conf-dir",
        confWith("esteira.yaml", "psi: 0.2", "psi: -0.2"), "registry", "list"));
    c.add(Case.of("p-value out of range", "drift.p_value", "--conf-dir",
        confWith("esteira.yaml", "p_value: 0.01", "p_value: 2"), "registry", "list"));
    c.add(Case.of("config that is not YAML", "not valid YAML", "--conf-dir",
        confWith("esteira.yaml", "  app_name: esteira", "  app_name: [esteira"), "registry", "list"));
    c.add(Case.of("bad master in the config", "spark.master 'bogus'", "--conf-dir",
        confWith("esteira.yaml", "master: local[2]", "master: bogus"), "registry", "list"));
    c.add(Case.of("contract min > max", "columns.age: min 100.0 is greater than max 18.0", "--conf-dir",
        confWith("datasets/loans.yaml", "min: 18, max: 100", "min: 100, max: 18"), "ingest", "--dataset", "loans", "--path", reference(), "--batch", "x20"));
    c.add(Case.of("allow_nan on an integer column", "allow_nan", "--conf-dir",
        confWith("datasets/loans.yaml", "min: 18, max: 100", "min: 18, max: 100, allow_nan: true"), "ingest", "--dataset", "loans", "--path", reference(), "--batch", "x21"));
    c.add(Case.of("unknown column type", "unknown type 'decimal'", "--conf-dir",
        confWith("datasets/loans.yaml", "{name: age, type: integer", "{name: age, type: decimal"), "ingest", "--dataset", "loans", "--path", reference(), "--batch", "x22"));
    c.add(Case.of("gate on an unknown metric", "gates.staging.min.auc_rocc: unknown metric 'auc_rocc'", "--conf-dir",
        confWith("models/loan_default.yaml", "min: {auc_roc: 0.65}", "min: {auc_rocc: 0.65}"), "train", "--model", "loan_default"));
    c.add(Case.of("tuning on an unknown metric", "tuning.metric", "--conf-dir",
        confWith("models/loan_default.yaml", "metric: auc_roc", "metric: auc"), "train", "--model", "loan_default"));
    c.add(Case.of("gate for an unknown stage", "unknown stage 'stagin'", "--conf-dir",
        confWith("models/loan_default.yaml", "  staging:\n", "  stagin:\n"), "train", "--model", "loan_default"));
    c.add(Case.of("unknown estimator", "unknown estimator type", "--conf-dir",
        confWith("models/loan_default.yaml", "type: logistic_regression", "type: deep_magic"), "train", "--model", "loan_default"));
    // Options and places.
    c.add(Case.of("bad --master", "--master 'bogus://x'", "--master", "bogus://x", "registry", "list"));
    c.add(Case.of("--master local[0]", "local[0]", "--master", "local[0]", "sql", "SELECT 1"));
    c.add(Case.of("--format xml", "--help", "--format", "xml", "registry", "list"));
    c.add(Case.of("unknown command", "teleport", "teleport"));
    c.add(Case.of("misspelt subcommand", "did you mean list", "registry", "lst"));
    c.add(Case.of("missing required options", "Missing required options", "ingest", "--dataset", "loans"));
    c.add(Case.of("unknown option", "--colour", "registry", "list", "--colour", "red"));
    c.add(Case.of("--limit not a number", "'abc'", "sql", "--limit", "abc", "SELECT 1"));
    c.add(Case.exact("no command", "give a command", "--lakehouse", lakeDir, "-q"));
    c.add(Case.exact("lakehouse is a file", "is a file", "--lakehouse", fileLake, "-q", "--conf-dir", conf.toString(), "registry", "list"));
    c.add(Case.exact("lakehouse is a file, for a write", "is a file", "--lakehouse", fileLake, "-q", "--conf-dir", conf.toString(),
        "ingest", "--dataset", "loans", "--path", reference(), "--batch", "x23"));
    c.add(Case.exact("missing lakehouse: registry list", "does not exist", "--lakehouse", missingLake, "-q", "--conf-dir", conf.toString(), "registry", "list"));
    c.add(Case.exact("missing lakehouse: sql", "does not exist", "--lakehouse", missingLake, "-q", "--conf-dir", conf.toString(), "sql", "SELECT 1"));
    c.add(Case.exact("missing lakehouse: runs list", "does not exist", "--lakehouse", missingLake, "-q", "--conf-dir", conf.toString(), "runs", "list"));
    c.add(Case.exact("missing lakehouse: dataset list", "does not exist", "--lakehouse", missingLake, "-q", "--conf-dir", conf.toString(), "dataset", "list"));
    c.add(Case.exact("missing lakehouse: lakehouse status", "does not exist", "--lakehouse", missingLake, "-q", "--conf-dir", conf.toString(), "lakehouse", "status"));
    // The registry's writes open the lakehouse without Spark too: a typo in --lakehouse is no empty registry.
    c.add(Case.exact("missing lakehouse: registry promote", "does not exist", "--lakehouse", missingLake, "-q", "--conf-dir", conf.toString(), "registry", "promote", "loan_default", "1", "--to", "staging"));
    c.add(Case.exact("missing lakehouse: register", "does not exist", "--lakehouse", missingLake, "-q", "--conf-dir", conf.toString(), "register", "--model", "loan_default"));
    return c;
  }

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException {
    List<Case> cases = cases();
    assertTrue(cases.size() >= 60, cases.size() + " cases");
    return cases.stream().map(c -> dynamicTest(c.name(), () -> check(c)));
  }

  static void check(Case c) {
    Map<String, Long> before = deltaVersions(lake);
    List<String> filesBefore = folders(lake);
    CommandLineTest.Result r = c.exactArgs()
        ? InProcessCli.runExactly(c.args().toArray(new String[0]))
        : InProcessCli.run(lake, c.args().toArray(new String[0]));
    String what = c.name() + ": " + c.args() + " -> exit " + r.code() + ", stderr: " + r.err();
    assertNotEquals(0, r.code(), what);
    assertOneCleanLine(r.err(), what);
    assertTrue(r.err().contains(c.expected()), what + " (expected it to name: " + c.expected() + ")");
    assertEquals(before, deltaVersions(lake), what + ": a Delta table changed");
    assertEquals(filesBefore, folders(lake), what + ": a folder was added or removed");
  }

  static void assertOneCleanLine(String err, String what) {
    assertEquals(1, err.strip().lines().count(), what);
    assertTrue(err.startsWith("esteira: "), what);
    assertFalse(err.contains("\tat ") || err.contains("at org.") || err.contains("Exception"), what);
  }

  /** The latest version of every Delta table under the root (the highest commit file of its log). */
  static Map<String, Long> deltaVersions(Path root) {
    Map<String, Long> versions = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path log : walk.filter(p -> p.getFileName().toString().equals("_delta_log")).toList()) {
        try (Stream<Path> commits = Files.list(log)) {
          long latest = commits.map(p -> p.getFileName().toString())
              .filter(n -> n.matches("\\d{20}\\.json"))
              .mapToLong(n -> Long.parseLong(n.substring(0, 20)))
              .max().orElse(-1);
          versions.put(root.relativize(log.getParent()).toString(), latest);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return versions;
  }

  /** Every folder under the root but the landing area: a new table, batch or artifact shows here. */
  static List<String> folders(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isDirectory).map(p -> root.relativize(p).toString())
          .filter(p -> !p.startsWith("landing")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theCorpusFixesAcceptWhatIsValid() throws IOException {
    // A quoted field that spans lines is valid CSV (RFC 4180), and a column that allows NaN takes it.
    Path fresh = TestSpark.newDir("corpus-valid");
    String header = Files.readAllLines(Path.of(reference())).get(0);
    String multi = file("multiline.csv", header + "\n"
        + "\"app-1\nsecond line\",30,1000.5,200,600,1,OWN,car,north,0\n"
        + "app-2,31,1500.0,200,600,1,OWN,car,north,0\n"
        + "\"app \"\"3\"\"\",32,NaN,200,600,1,OWN,car,north,1\n");
    String nanConf = confWith("datasets/loans.yaml", "{name: income, type: double, nullable: false, min: 0}",
        "{name: income, type: double, nullable: false, min: 0, allow_nan: true}");
    CommandLineTest.Result r = InProcessCli.run(fresh, "--conf-dir", nanConf, "--format", "json", "ingest", "--dataset", "loans",
        "--path", multi, "--batch", "b1");
    assertEquals(0, r.code(), r.err());
    // Views live in the shared SparkSession: one named loans may still show another test's lakehouse.
    TestSpark.spark().catalog().dropTempView("loans");
    CommandLineTest.Result rows = InProcessCli.run(fresh, "--conf-dir", nanConf, "--format", "json", "sql",
        "SELECT application_id, income FROM loans ORDER BY age");
    assertEquals(0, rows.code(), rows.err());
    var doc = dev.esteira.config.Json.read(rows.out(), com.fasterxml.jackson.databind.JsonNode.class);
    assertEquals(3, doc.size(), rows.out());
    assertEquals("app-1\nsecond line", doc.get(0).get("application_id").asText());
    assertEquals("app \"3\"", doc.get(2).get("application_id").asText());
    assertEquals("NaN", doc.get(2).get("income").asText());
    // Without allow_nan the same file is refused.
    CommandLineTest.Result refused = InProcessCli.run(fresh, "ingest", "--dataset", "loans", "--path", multi, "--batch", "b2");
    assertEquals(1, refused.code(), refused.err());
    assertTrue(refused.err().contains("income: 1 NaN values"), refused.err());
  }

  @Test
  void outputIsForPeopleAndPrograms() {
    // Times in JSON are ISO-8601, parameters are JSON objects, runs and workflow runs have verbs of their own.
    CommandLineTest.Result runs = InProcessCli.run(lake, "--format", "json", "runs", "list");
    assertEquals(0, runs.code(), runs.err());
    var list = dev.esteira.config.Json.read(runs.out(), com.fasterxml.jackson.databind.JsonNode.class);
    assertEquals(1, list.size(), runs.out());
    assertTrue(list.get(0).get("params").isObject(), runs.out());
    assertTrue(list.get(0).get("started_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z"), runs.out());
    String runId = list.get(0).get("run_id").asText();
    CommandLineTest.Result show = InProcessCli.run(lake, "runs", "show", runId);
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("auc_roc="), show.out());

    CommandLineTest.Result wf = InProcessCli.run(lake, "--format", "json", "workflow", "runs");
    assertEquals(0, wf.code(), wf.err());
    var wfList = dev.esteira.config.Json.read(wf.out(), com.fasterxml.jackson.databind.JsonNode.class);
    assertEquals("training", wfList.get(0).get("workflow").asText());
    String wfRun = wfList.get(0).get("run_id").asText();
    CommandLineTest.Result wfShow = InProcessCli.run(lake, "--format", "json", "workflow", "show", wfRun);
    assertEquals(0, wfShow.code(), wfShow.err());
    var wfDoc = dev.esteira.config.Json.read(wfShow.out(), com.fasterxml.jackson.databind.JsonNode.class);
    assertEquals(7, wfDoc.get("steps").size(), wfShow.out());
    assertTrue(wfDoc.get("params").isObject(), wfShow.out());
    assertTrue(wfDoc.get("started_at").asText().endsWith("Z"), wfShow.out());

    // A p-value far below 0.0001 prints in scientific notation, not as 0.0000.
    CommandLineTest.Result p = InProcessCli.run(lake, "sql", "SELECT CAST(7e-152 AS DOUBLE) AS p, CAST(0.5 AS DOUBLE) AS q");
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("7.000e-152"), p.out());
    assertTrue(p.out().contains("0.5000"), p.out());

    // The dry run prints every resolved path whole.
    CommandLineTest.Result dry = InProcessCli.run(lake, "run", TestSpark.projectRoot().resolve("workflows/nightly.yaml").toString(),
        "--dry-run", "--param", "day=04");
    assertEquals(0, dry.code(), dry.err());
    assertFalse(dry.out().contains("…"), dry.out());
    assertTrue(dry.out().contains(lake.toString() + "/landing/daily/day-04.csv"), dry.out());
  }

  @Test
  void whatOnlyARealProcessShows() {
    // A bad master once printed Spark's 22-line stack trace from start-up, and a missing lakehouse an empty registry.
    CliProcess.Result master = CliProcess.run(Map.of(), "--master", "bogus://x", "--lakehouse", lake.toString(), "registry", "list");
    assertEquals(1, master.exit(), master.toString());
    assertOneCleanLine(master.stderr(), master.toString());
    assertTrue(master.stderr().contains("--master 'bogus://x' is not a Spark master URL"), master.toString());

    CliProcess.Result usage = CliProcess.run(Map.of(), "--format", "xml", "registry", "list");
    assertEquals(2, usage.exit(), usage.toString());
    assertOneCleanLine(usage.stderr(), usage.toString());
    assertTrue(usage.stderr().contains("see `esteira --help`"), usage.toString());
  }
}
