package dev.esteira.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.MetaTable;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** README.md documents every metadata table; this keeps what it says equal to the schemas in code. */
class ReadmeTablesTest {
  private static final Pattern HEADING = Pattern.compile("^### `(\\w+)`$");
  private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| ([^|]+) \\| (yes|no) \\|$");

  @Test
  void everyTableIsDocumentedWithItsColumnsTypesAndNullability() throws IOException {
    Map<String, List<String>> documented = new LinkedHashMap<>();
    Map<String, StringBuilder> text = new LinkedHashMap<>();
    List<String> current = null;
    StringBuilder currentText = null;
    for (String line : Files.readAllLines(TestSpark.projectRoot().resolve("README.md"))) {
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        current = new ArrayList<>();
        documented.put(h.group(1), current);
        currentText = new StringBuilder();
        text.put(h.group(1), currentText);
        continue;
      }
      if (currentText != null) {
        currentText.append(line).append('\n');
      }
      Matcher r = ROW.matcher(line);
      if (current != null && r.matches()) {
        current.add(r.group(1) + " " + r.group(2).trim() + " " + r.group(3));
      }
    }
    for (MetaTable table : SqlCommand.TABLES) {
      List<String> expected = new ArrayList<>();
      for (StructField f : table.schema().fields()) {
        expected.add(f.name() + " " + f.dataType().simpleString() + " " + (f.nullable() ? "yes" : "no"));
      }
      assertEquals(expected, documented.get(table.name()), "README section of " + table.name());
      assertTrue(text.get(table.name()).toString().contains("Schema version " + table.schemaVersion() + "."),
          "README section of " + table.name() + " states its schema version " + table.schemaVersion());
    }
    assertEquals(SqlCommand.TABLES.size(), documented.size(), "no README section for a table that does not exist");
  }

  /**
   * The notebooks' views keep the newest row per key of exactly the tables the code writes by appends, and
   * the rows of each partition's newest write of exactly those it writes a partition at a time.
   */
  @Test
  void theNotebooksKnowEveryTableWrittenByAppendsWithItsKeysAndStamp() throws IOException {
    String py = Files.readString(TestSpark.projectRoot().resolve("notebooks").resolve("esteira_nb.py"));
    Map<String, String> byKey = new LinkedHashMap<>();
    Map<String, String> byPartition = new LinkedHashMap<>();
    for (MetaTable table : SqlCommand.TABLES) {
      if (table.newestWriteOfPartition()) {
        byPartition.put(table.name(), String.join(",", table.partitionBy()) + " by " + table.newestBy());
      } else if (table.newestBy() != null) {
        byKey.put(table.name(), String.join(",", table.keys()) + " by " + table.newestBy());
      }
    }
    assertFalse(byKey.isEmpty(), "the run log is written by appends");
    assertFalse(byPartition.isEmpty(), "profiles are written a partition at a time");
    assertEquals(byKey, declared(py, "NEWEST_BY"));
    assertEquals(byPartition, declared(py, "NEWEST_WRITE_BY"));
  }

  /** A one-line Python dict {"table": (["col", ...], "stamp"), ...} as table -> "col,... by stamp". */
  private static Map<String, String> declared(String py, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " = \\{(.*)}$").matcher(py);
    assertTrue(m.find(), "esteira_nb.py declares " + name + " on one line");
    Map<String, String> declared = new LinkedHashMap<>();
    Matcher e = Pattern.compile("\"(\\w+)\": \\(\\[([^]]*)], \"(\\w+)\"\\)").matcher(m.group(1));
    while (e.find()) {
      declared.put(e.group(1), e.group(2).replace("\"", "").replace(" ", "") + " by " + e.group(3));
    }
    return declared;
  }
}
