package dev.esteira.lake;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.registry.RegistryTables;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Creating a metadata table while other writers create it too. */
class TableCreationTest {
  /**
   * The race as it failed in CI, made deterministic: another creator has made the table's log folder and
   * its first commit lands a moment later. Delta's create fails on such a folder (DELTA_TABLE_NOT_FOUND);
   * the writer must wait for the commit and use the table, not fail.
   */
  @Test
  void aWriterThatFindsAnotherCreatorMidwayUsesTheTableItMade() throws Exception {
    Path root = TestSpark.newDir("created-midway");
    Path table = root.resolve("models");
    Files.createDirectories(table.resolve("_delta_log"));
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      // The other creator's first commit: the table with the declared schema and no rows.
      TestSpark.spark().createDataFrame(new ArrayList<Row>(), RegistryTables.MODELS.schema())
          .write().format("delta").mode("append").save(table.toString());
    });
    Lakehouse lake = new Lakehouse(TestSpark.spark(), root.toString());
    lake.ensure(RegistryTables.MODELS);
    other.get();
    assertEquals(0, lake.currentVersion(RegistryTables.MODELS), "the other creator's commit, and no second one");
    assertEquals(0, lake.read(RegistryTables.MODELS).count());
  }

  @Test
  void eightWritersCreatingOneTableAtOnceAllFindItMade() throws Exception {
    Path root = TestSpark.newDir("created-at-once");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      // A Lakehouse each, as separate processes have: no shared cache of what exists.
      Lakehouse own = new Lakehouse(TestSpark.spark(), root.toString());
      futures.add(pool.submit(() -> {
        go.await();
        own.ensure(RegistryTables.MODELS);
        return own.exists(RegistryTables.MODELS);
      }));
    }
    go.countDown();
    for (Future<Boolean> f : futures) {
      assertTrue(f.get());
    }
    pool.shutdown();
    Lakehouse lake = new Lakehouse(TestSpark.spark(), root.toString());
    assertEquals(0, lake.currentVersion(RegistryTables.MODELS), "one commit created the table");
    assertEquals(RegistryTables.MODELS.schemaVersion(), lake.schemaVersionOf(RegistryTables.MODELS));
  }
}
