package dev.esteira.lake;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) without a child process per file.
 *
 * <p>Without Hadoop's native library (which no Maven artifact ships), {@link RawLocalFileSystem} runs
 * a shell command for every permission it sets or reads: {@code chmod} after creating each data,
 * checksum and Delta log file, {@code ls -ld} for each file status whose permission is asked for (every
 * file Spark lists for a read), {@code readlink} for each rename of a Delta commit. A demo night of
 * eleven steps started about 450 such processes, a few milliseconds each on an idle machine and more
 * under load (README, Benchmark). This file system does the same through {@code java.nio}: the same
 * permission bits, owner, group, sizes and times, no process. Everything else (checksum files, rename,
 * create, delete) is Hadoop's own code, so a lakehouse written through it is byte for byte what the
 * stock local file system writes.
 *
 * <p>{@link SparkSessions} installs it for {@code file:} paths, as a {@code FileSystem} ({@code
 * fs.file.impl}, Spark's and Kernel's reads and writes) and as an {@code AbstractFileSystem} ({@code
 * fs.AbstractFileSystem.file.impl}, the {@code FileContext} through which Delta writes its log).
 */
public final class ShellFreeLocalFileSystem extends LocalFileSystem {

  /** The Hadoop settings that route {@code file:} paths through these classes. */
  public static final Map<String, String> SETTINGS = Map.of(
      "fs.file.impl", ShellFreeLocalFileSystem.class.getName(),
      "fs.AbstractFileSystem.file.impl", ShellFreeLocalFileSystem.Fs.class.getName());

  public ShellFreeLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-less) file system: Hadoop's, with permissions and statuses read through NIO. */
  public static class Raw extends RawLocalFileSystem {

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("File " + p + " does not exist");
      }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
      return status(f, pathToFile(f), true);
    }

    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      File file = pathToFile(f);
      if (Files.isSymbolicLink(file.toPath())) {
        FileStatus link = status(f, file, false);
        link.setSymlink(new Path(Files.readSymbolicLink(file.toPath()).toString()));
        return link;
      }
      return status(f, file, true);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
      File dir = pathToFile(f);
      PosixFileAttributes attrs = attributes(f, dir, true);
      if (!attrs.isDirectory()) {
        return new FileStatus[] {status(dir, attrs)};
      }
      String[] names = dir.list();
      if (names == null) {
        throw new IOException("cannot list " + f + ": not readable");
      }
      List<FileStatus> statuses = new ArrayList<>(names.length);
      for (String name : names) {
        File child = new File(dir, name);
        try {
          statuses.add(status(child, attributes(f, child, true)));
        } catch (FileNotFoundException gone) {
          // Removed between the listing and its status (another writer's temporary file): skipped, as
          // Hadoop's own listing does.
        }
      }
      return statuses.toArray(new FileStatus[0]);
    }

    private FileStatus status(Path f, File file, boolean followLinks) throws IOException {
      return status(file, attributes(f, file, followLinks));
    }

    private FileStatus status(File file, PosixFileAttributes attrs) {
      Path path = new Path(file.getPath()).makeQualified(getUri(), getWorkingDirectory());
      return new FileStatus(attrs.size(), attrs.isDirectory(), 1, getDefaultBlockSize(path),
          attrs.lastModifiedTime().toMillis(), attrs.lastAccessTime().toMillis(),
          hadoop(attrs.permissions()), attrs.owner().getName(), attrs.group().getName(), path);
    }

    private static PosixFileAttributes attributes(Path f, File file, boolean followLinks) throws IOException {
      try {
        return followLinks
            ? Files.readAttributes(file.toPath(), PosixFileAttributes.class)
            : Files.readAttributes(file.toPath(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        // Hadoop's wording: callers look for FileNotFoundException, some log its message.
        throw new FileNotFoundException("File " + f + " does not exist");
      }
    }
  }

  /** The {@code FileContext} side: Hadoop's checksummed local file system over {@link Raw}. */
  public static class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new RawFs(uri, conf));
    }
  }

  /** {@link Raw} as an {@code AbstractFileSystem}, configured as Hadoop's {@code RawLocalFs} is. */
  public static class RawFs extends DelegateToFileSystem {
    public RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1; // file:/// has no port
    }

    @Override
    @SuppressWarnings("deprecation")
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public FsServerDefaults getServerDefaults(Path f) throws IOException {
      return getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true; // local file systems differ in what they accept; the OS says
    }
  }

  // PosixFilePermission's constants run OWNER_READ .. OTHERS_EXECUTE, the order of the bits 0400 .. 0001.
  // Only those nine bits: the sticky bit of a directory is not set (Hadoop's local file system sets it
  // on nothing it creates for a lakehouse).
  static Set<PosixFilePermission> posix(FsPermission permission) {
    int bits = permission.toShort() & 0777;
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if ((bits & (0400 >> p.ordinal())) != 0) {
        set.add(p);
      }
    }
    return set;
  }

  static FsPermission hadoop(Set<PosixFilePermission> set) {
    int bits = 0;
    for (PosixFilePermission p : set) {
      bits |= 0400 >> p.ordinal();
    }
    return new FsPermission((short) bits);
  }
}
