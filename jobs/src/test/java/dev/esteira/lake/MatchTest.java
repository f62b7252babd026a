package dev.esteira.lake;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.monitor.MonitorTables;
import dev.esteira.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Conditions built from typed values on a table's own columns, never from text. */
class MatchTest {
  private static final MetaTable T = new MetaTable("t",
      new StructType().add("name", DataTypes.StringType).add("n", DataTypes.IntegerType).add("x", DataTypes.DoubleType),
      List.of("name", "n"), "a test table");

  @Test
  void aColumnTheTableDoesNotHaveIsRefusedWhenTheMatchIsBuilt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Match.on(T).eq("nme", "a"));
    assertEquals("table t has no column 'nme'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Match.on(T).eq("name", "a").eq("name", "b"));
    assertThrows(IllegalArgumentException.class, () -> Match.on(MonitorTables.PROFILES).eq("target", new Object()));
  }

  @Test
  void valuesWithQuotesBackslashesAndPercentSelectExactlyTheirRowsInReadsAndReplaces() {
    Lakehouse lake = TestSpark.freshLakehouse("match");
    String odd = "it's 50% \\ `odd` OR 1=1";
    List<Row> rows = List.of(RowFactory.create(odd, 1, 1.0), RowFactory.create("plain", 1, 2.0), RowFactory.create(odd, 2, 3.0));
    lake.append(T, rows);
    Match oddOne = Match.on(T).eq("name", odd).eq("n", 1);
    assertEquals(1.0, lake.read(oddOne).first().getDouble(2));
    lake.replace(lake.frame(T, List.of(RowFactory.create(odd, 1, 9.0))), oddOne);
    List<Row> after = lake.read(T).orderBy("x").collectAsList();
    assertEquals(3, after.size());
    assertEquals(List.of(2.0, 3.0, 9.0), after.stream().map(r -> r.getDouble(2)).toList());
    assertEquals(0, lake.read(Match.on(T).eq("x", null)).count());
    assertEquals(1, lake.read(Match.on(T).eq("name", "plain")).count());
  }

  @Test
  void keysOfRowsToWriteMatchTheirKeyColumnsThoughTheRowsCarryNoSchema() {
    // Rows built for a write (RowFactory, Rows.of) have no schema: the keys are found by the table's.
    List<Match> keys = Lakehouse.keysOf(T, List.of(RowFactory.create("a%'b", 7, 1.5)));
    assertEquals(1, keys.size());
    assertEquals(java.util.Map.of("name", "a%'b", "n", 7), keys.get(0).equalities());
  }
}
