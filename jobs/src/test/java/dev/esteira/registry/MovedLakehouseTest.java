package dev.esteira.registry;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.Run;
import dev.esteira.ml.RunTables;
import dev.esteira.ml.Runs;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A lakehouse copied to another folder loads its own registered artifacts: the original is renamed away
 * before the copy loads, so a path that still named the original could not load at all.
 */
class MovedLakehouseTest {
  @Test
  void aCopiedLakehouseLoadsItsOwnModelsAfterTheOriginalIsGone() throws IOException {
    var spark = TestSpark.spark();
    Path originalDir = TestSpark.newDir("moved-original");
    Lakehouse original = new Lakehouse(spark, originalDir.toString());
    Dataset<Row> input = spark.createDataFrame(
        List.of(RowFactory.create(1.0), RowFactory.create(2.5)), new StructType().add("x", DataTypes.DoubleType));
    // A real pipeline, as small as one can be: y = 3x + 1.
    PipelineModel fitted = new Pipeline()
        .setStages(new PipelineStage[] {new SQLTransformer().setStatement("SELECT x, 3 * x + 1 AS y FROM __THIS__")})
        .fit(input);
    String runArtifact = original.artifactsRoot() + "/m/runs/r1";
    fitted.save(runArtifact);
    Timestamp now = Timestamp.from(Instant.now());
    Run run = new Run("r1", "m", "train", "succeeded", "sql", "{}", Map.of("auc_roc", 0.7), Map.of(), "d", 1L,
        "b", 2L, 0L, "c", "v", 1L, spark.version(), runArtifact, null, now, now, 0L);
    Runs.save(original, run);
    ModelVersion registered = new Registry(original).register(run);
    // What runs stores: the run's artifact under the root, not the root.
    String storedRun = spark.read().format("delta").load(original.path(RunTables.RUNS)).first().getAs("artifact");
    assertEquals("artifacts/m/runs/r1", storedRun);
    assertTrue(registered.artifactPath().startsWith(original.root() + "/artifacts/m/artifacts/r1-"), registered.artifactPath());
    // What models stores: the path under the root, not the root.
    String stored = spark.read().format("delta").load(original.path(RegistryTables.MODELS)).first().getAs("artifact");
    assertEquals(registered.artifactPath(), original.root() + "/" + stored);
    assertFalse(stored.contains(originalDir.getFileName().toString()), stored);

    Path copyDir = TestSpark.newDir("moved-copy").resolve("lake");
    TestSpark.copyTree(originalDir, copyDir);
    Files.move(originalDir, originalDir.resolveSibling(originalDir.getFileName() + "-renamed"));

    Lakehouse copy = new Lakehouse(spark, copyDir.toString());
    ModelVersion read = new Registry(copy).version("m", 1);
    assertEquals(copy.root() + "/artifacts/m/runs/r1", Runs.find(copy, "r1").orElseThrow().artifactPath());
    assertEquals(copy.root() + "/" + stored, read.artifactPath());
    PipelineModel loaded = new Registry(copy).load(read);
    List<Row> out = loaded.transform(input).orderBy("x").collectAsList();
    assertEquals(4.0, out.get(0).<Double>getAs("y"), 1e-12);
    assertEquals(8.5, out.get(1).<Double>getAs("y"), 1e-12);
  }
}
