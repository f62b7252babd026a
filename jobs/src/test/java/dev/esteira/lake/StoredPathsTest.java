package dev.esteira.lake;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.EsteiraException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The stored form of the lakehouse paths in {@code models.artifact} and {@code runs.artifact}, and their migration, in plain Java (no Spark). */
class StoredPathsTest {
  @Test
  void anArtifactUnderTheRootIsStoredRelativeAndResolvedAgainstTheRootItIsReadFrom() {
    String stored = StoragePaths.relativize("hdfs://nn:8020/lake", "hdfs://nn:8020/lake/artifacts/m/artifacts/r1-ab");
    assertEquals("artifacts/m/artifacts/r1-ab", stored);
    assertEquals("s3a://bucket/copy/artifacts/m/artifacts/r1-ab", StoragePaths.resolve("s3a://bucket/copy", stored));
    // A local root is qualified (file:/...); an unqualified absolute path under it is under it too.
    assertEquals("artifacts/m/v1", StoragePaths.relativize("file:/data/lake", "/data/lake/artifacts/m/v1"));
  }

  @Test
  void anArtifactOutsideTheRootKeepsItsAbsoluteUri() {
    // A sibling folder whose name starts like the root's is not under it.
    assertEquals("file:/data/lake2/a", StoragePaths.relativize("file:/data/lake", "file:/data/lake2/a"));
    assertEquals("hdfs://other:8020/lake/a", StoragePaths.relativize("hdfs://nn:8020/lake", "hdfs://other:8020/lake/a"));
    assertEquals("file:/data/lake2/a", StoragePaths.resolve("file:/elsewhere", "file:/data/lake2/a"));
    assertEquals("/abs/a", StoragePaths.resolve("file:/elsewhere", "/abs/a"));
  }

  @Test
  void aStoredPathThatLeavesTheRootIsRefused() {
    EsteiraException e = assertThrows(EsteiraException.class, () -> StoragePaths.resolve("file:/lake", "artifacts/../../etc"));
    assertTrue(e.getMessage().contains("leaves the lakehouse root"), e.getMessage());
  }

  @Test
  void migrationMakesPathsUnderTheRootRelativeAndFindsTheArtifactsOfAMovedLakehouse() {
    Set<String> present = Set.of("file:/new/lake/artifacts/m/artifacts/r1-ab");
    // Under this root: relative, whether the folder exists or not (the SHA-256 check stays at load).
    assertEquals("artifacts/m/artifacts/r2-cd",
        StoragePaths.migrated("file:/new/lake", "file:/new/lake/artifacts/m/artifacts/r2-cd", present::contains));
    // Written under another root (the lakehouse was copied before migrating): the tail found here.
    assertEquals("artifacts/m/artifacts/r1-ab",
        StoragePaths.migrated("file:/new/lake", "file:/old/artifacts/x/lake/artifacts/m/artifacts/r1-ab", present::contains));
    // Not found under this root: kept as it was.
    assertEquals("file:/old/lake/artifacts/m/artifacts/r9-zz",
        StoragePaths.migrated("file:/new/lake", "file:/old/lake/artifacts/m/artifacts/r9-zz", present::contains));
  }
}
