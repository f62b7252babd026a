package dev.esteira.lake;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.testing.TestSpark;
import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;

/**
 * The local file system without shell commands says and does what Hadoop's own says and does: each status
 * (size, kind, times, permission, owner, group, path) compared with the stock {@link RawLocalFileSystem}'s
 * on the same files, which reads permissions with {@code ls -ld}.
 */
class ShellFreeLocalFileSystemTest {

  private static FileSystem stockRaw() throws Exception {
    RawLocalFileSystem fs = new RawLocalFileSystem();
    fs.initialize(URI.create("file:///"), new Configuration());
    return fs;
  }

  private static FileSystem shellFree() throws Exception {
    Configuration conf = new Configuration();
    ShellFreeLocalFileSystem.SETTINGS.forEach(conf::set);
    // A new instance, not the JVM-wide cache (which holds whichever file: file system came first).
    return FileSystem.newInstance(URI.create("file:///"), conf);
  }

  private static String describe(FileStatus s) {
    return String.join(" ", s.getPath().toString(), String.valueOf(s.getLen()), String.valueOf(s.isDirectory()),
        String.valueOf(s.getModificationTime()), s.getPermission().toString(), s.getOwner(), s.getGroup(),
        String.valueOf(s.getReplication()), String.valueOf(s.getBlockSize()));
  }

  @Test
  void statusesAndListingsAreHadoopsOwn() throws Exception {
    Path dir = new Path(TestSpark.newDir("shellfree").toUri());
    FileSystem ours = shellFree();
    FileSystem stock = stockRaw();
    assertInstanceOf(ShellFreeLocalFileSystem.class, ours);
    Path file = new Path(dir, "part-0.parquet");
    try (FSDataOutputStream out = ours.create(file, true)) {
      out.write("twelve bytes".getBytes(StandardCharsets.UTF_8));
    }
    Path sub = new Path(dir, "batch=day-01");
    assertTrue(ours.mkdirs(sub));
    Path secret = new Path(dir, "secret");
    try (FSDataOutputStream out = ours.create(secret, true)) {
      out.write(1);
    }
    ours.setPermission(secret, new FsPermission((short) 0600));

    for (Path p : new Path[] {file, sub, secret, dir}) {
      assertEquals(describe(stock.getFileStatus(p)), describe(ours.getFileStatus(p)), p.toString());
      assertEquals(describe(stock.getFileLinkStatus(p)), describe(ours.getFileLinkStatus(p)), p.toString());
    }
    assertEquals("rw-------", stock.getFileStatus(secret).getPermission().toString());
    // The checksum file is written beside the data file, as by Hadoop's LocalFileSystem.
    assertTrue(stock.exists(new Path(dir, ".part-0.parquet.crc")));
    // Listings compared raw to raw (the checksummed wrapper hides the .crc files, Hadoop's as well).
    FileSystem oursRaw = ((LocalFileSystem) ours).getRawFileSystem();
    assertInstanceOf(ShellFreeLocalFileSystem.Raw.class, oursRaw);
    assertEquals(listing(stock, dir), listing(oursRaw, dir));
    assertEquals(listing(stock, file), listing(oursRaw, file));
    assertEquals(12, ours.open(file).readAllBytes().length);
  }

  @Test
  void aMissingPathIsFileNotFoundAsInHadoop() throws Exception {
    FileSystem ours = shellFree();
    Path missing = new Path(TestSpark.newDir("shellfree-missing").toUri().toString(), "nothing-here");
    assertThrows(FileNotFoundException.class, () -> ours.getFileStatus(missing));
    assertThrows(FileNotFoundException.class, () -> ours.listStatus(missing));
    assertThrows(FileNotFoundException.class, () -> ours.setPermission(missing, new FsPermission((short) 0644)));
    assertFalse(ours.exists(missing));
  }

  @Test
  void theFileContextThatDeltaWritesItsLogThroughRenamesWithoutOverwriting() throws Exception {
    Configuration conf = new Configuration();
    ShellFreeLocalFileSystem.SETTINGS.forEach(conf::set);
    FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf);
    assertInstanceOf(ShellFreeLocalFileSystem.Fs.class, fc.getDefaultFileSystem());
    Path dir = new Path(TestSpark.newDir("shellfree-fc").toUri());
    Path commit = new Path(dir, "00000000000000000001.json");
    for (String name : new String[] {"a.tmp", "b.tmp"}) {
      try (FSDataOutputStream out = fc.create(new Path(dir, name), EnumSet.of(CreateFlag.CREATE))) {
        out.write(name.getBytes(StandardCharsets.UTF_8));
      }
    }
    fc.rename(new Path(dir, "a.tmp"), commit);
    // The second writer of the same version loses: Delta's optimistic commit rests on this.
    assertThrows(FileAlreadyExistsException.class, () -> fc.rename(new Path(dir, "b.tmp"), commit));
    assertEquals("a.tmp", new String(fc.open(commit).readAllBytes(), StandardCharsets.UTF_8));
    // Checksum files follow their data files, as with Hadoop's LocalFs.
    assertEquals(java.util.Set.of("00000000000000000001.json", ".00000000000000000001.json.crc", "b.tmp", ".b.tmp.crc"),
        listing(stockRaw(), dir).keySet());
  }

  @Test
  void spark_sessionsRouteFilePathsThroughIt() throws Exception {
    Configuration conf = TestSpark.spark().sparkContext().hadoopConfiguration();
    assertEquals(ShellFreeLocalFileSystem.class.getName(), conf.get("fs.file.impl"));
    assertEquals(ShellFreeLocalFileSystem.Fs.class.getName(), conf.get("fs.AbstractFileSystem.file.impl"));
    // Hadoop's checksummed wrapper, so a lakehouse keeps its .crc files whichever file system wrote it.
    assertInstanceOf(LocalFileSystem.class, FileSystem.newInstance(URI.create("file:///"), conf));
  }

  private static Map<String, String> listing(FileSystem fs, Path p) throws Exception {
    Map<String, String> byName = new TreeMap<>();
    Arrays.stream(fs.listStatus(p)).forEach(s -> byName.put(s.getPath().getName(), describe(s)));
    return byName;
  }
}
