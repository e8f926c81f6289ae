package dev.pxebus.catalog.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed blobs on a local file system: {@code <root>/sha256/ab/abcdef…} (the first two hex digits fan
 * the files out over 256 directories).
 *
 * <p>Writes stream: content is hashed while it is copied into a temp file in {@code <root>/sha256/} (the same file
 * system as every blob, so the final rename is atomic), counted against a limit, fsynced, then renamed to its hash.
 * A blob is therefore either absent or complete under its name; an interrupted write leaves at most a temp file,
 * which {@link #collect} removes once stale. Writing content already stored keeps the existing file (idempotent).
 *
 * <p>Every method taking a hash checks it is 64 lowercase hex digits before a path is built from it.
 *
 * <p>All methods block (file I/O, fsync): call them off the event loop. Safe for concurrent use, except that
 * {@link #collect} can remove a blob being written again concurrently: collect only with a set of references that
 * includes everything an upload in flight will be referenced by.
 */
public final class BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
  /** A temp file untouched this long belongs to a write that died (a crash, a killed process). */
  public static final Duration STALE_TEMP = Duration.ofMinutes(1);
  static final String TEMP_PREFIX = ".upload-";
  private static final int CHUNK = 64 * 1024;

  private final Path dir;
  private final Clock clock;

  /** A store under {@code root}, creating {@code root/sha256} when missing. */
  public BlobStore(Path root) throws IOException {
    this(root, Clock.systemUTC());
  }

  public BlobStore(Path root, Clock clock) throws IOException {
    this.dir = Objects.requireNonNull(root, "root").resolve("sha256");
    this.clock = Objects.requireNonNull(clock, "clock");
    Files.createDirectories(dir);
  }

  /** The {@code <root>/sha256} directory. */
  public Path directory() {
    return dir;
  }

  /** Stores the stream's content (read to its end, not closed), at most {@code maxBytes} bytes. */
  public Blob put(InputStream in, long maxBytes) throws IOException {
    return write(in, null, maxBytes);
  }

  /**
   * Stores the stream's content only when it hashes to {@code sha256}; else {@link BlobException.Reason#HASH_MISMATCH}
   * and nothing kept. The hash is checked before anything is read.
   */
  public Blob putExpecting(InputStream in, String sha256, long maxBytes) throws IOException {
    return write(in, Sha256.require(sha256), maxBytes);
  }

  private Blob write(InputStream in, String expected, long maxBytes) throws IOException {
    Objects.requireNonNull(in, "in");
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
    Path temp = Files.createTempFile(dir, TEMP_PREFIX, ".tmp");
    boolean kept = false;
    try {
      MessageDigest md = Sha256.digest();
      long size = 0;
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        byte[] buf = new byte[CHUNK];
        int n;
        while ((n = in.read(buf)) > 0) {
          size += n;
          // Refuse as soon as the limit is crossed, before writing the excess: a client cannot fill the disk.
          if (size > maxBytes) throw BlobException.tooLarge(maxBytes);
          md.update(buf, 0, n);
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) out.write(bb);
        }
        out.force(true);
      }
      String sha = Sha256.hex(md.digest());
      if (expected != null && !expected.equals(sha)) throw BlobException.mismatch(expected, sha);
      Path target = path(sha);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        // Same hash, same content: keep the one stored (temp removed below). Touched, so that the collector's grace
        // period starts again for content uploaded anew to be referenced.
        touch(target);
        return new Blob(sha, size);
      }
      Files.createDirectories(target.getParent());
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        return new Blob(sha, size); // a concurrent write of the same content won
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename atomically within " + dir + ": " + e.getMessage(), e);
      }
      kept = true;
      fsyncDirectory(target.getParent());
      LOG.debug("stored blob {} ({} bytes)", sha, size);
      return new Blob(sha, size);
    } finally {
      if (!kept) Files.deleteIfExists(temp);
    }
  }

  /** Stores one regular file (not a symbolic link), without a size limit: the operator chose it. */
  public Blob importFile(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new BlobException(BlobException.Reason.NOT_A_FILE, "not a regular file: " + file);
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return put(in, Long.MAX_VALUE);
    }
  }

  /**
   * Stores every regular file under {@code directory}, recursively. A symbolic link is followed only when it
   * resolves to a regular file inside {@code directory}; one pointing outside it, dangling, or to a directory is
   * skipped (and reported), so an import never reads beyond the tree it was given nor loops.
   */
  public ImportReport importDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) throw new NoSuchFileException(directory.toString(), null, "not a directory");
    Path base = directory.toRealPath();
    List<ImportReport.Imported> imported = new ArrayList<>();
    List<ImportReport.Skipped> skipped = new ArrayList<>();
    Files.walkFileTree(base, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String name = base.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (attrs.isRegularFile()) {
          imported.add(new ImportReport.Imported(name, importFile(file)));
        } else if (attrs.isSymbolicLink()) {
          Path real;
          try {
            real = file.toRealPath();
          } catch (IOException e) {
            skipped.add(new ImportReport.Skipped(name, "dangling symbolic link"));
            return FileVisitResult.CONTINUE;
          }
          if (!real.startsWith(base)) {
            skipped.add(new ImportReport.Skipped(name, "symbolic link leaving the directory: " + real));
          } else if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            skipped.add(new ImportReport.Skipped(name, "symbolic link to something not a regular file"));
          } else {
            imported.add(new ImportReport.Imported(name, importFile(real)));
          }
        } else {
          skipped.add(new ImportReport.Skipped(name, "not a regular file"));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        skipped.add(new ImportReport.Skipped(base.relativize(file).toString(), "unreadable: " + e.getMessage()));
        return FileVisitResult.CONTINUE;
      }
    });
    return new ImportReport(imported, skipped);
  }

  /** True when a blob of that hash is stored. */
  public boolean exists(String sha256) {
    return Files.isRegularFile(path(sha256), LinkOption.NOFOLLOW_LINKS);
  }

  /** The stored blob's length; {@link BlobException.Reason#NOT_FOUND} when absent. */
  public long size(String sha256) throws IOException {
    try {
      return Files.size(path(sha256));
    } catch (NoSuchFileException e) {
      throw BlobException.notFound(sha256);
    }
  }

  /** The stored content, to be closed by the caller; {@link BlobException.Reason#NOT_FOUND} when absent. */
  public InputStream open(String sha256) throws IOException {
    try {
      return Files.newInputStream(path(sha256), LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw BlobException.notFound(sha256);
    }
  }

  /**
   * Where the blob is (or would be) stored, for zero-copy sending. The hash is validated first; the file may not
   * exist.
   */
  public Path path(String sha256) {
    Sha256.require(sha256);
    return dir.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  /**
   * Re-hashes the stored content: true when it still matches its name (false: the file was corrupted on disk and
   * must not be served). {@link BlobException.Reason#NOT_FOUND} when absent.
   */
  public boolean verify(String sha256) throws IOException {
    MessageDigest md = Sha256.digest();
    try (InputStream in = open(sha256)) {
      byte[] buf = new byte[CHUNK];
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
    }
    boolean ok = Sha256.hex(md.digest()).equals(sha256);
    if (!ok) LOG.warn("blob {} does not match its hash: corrupted on disk", sha256);
    return ok;
  }

  /** Every stored blob (files whose names are not a hash, in the right fan-out directory, are not blobs). */
  public List<Blob> list() throws IOException {
    List<Blob> blobs = new ArrayList<>();
    try (DirectoryStream<Path> fans = Files.newDirectoryStream(dir)) {
      for (Path fan : fans) {
        String f = fan.getFileName().toString();
        if (f.length() != 2 || !Files.isDirectory(fan, LinkOption.NOFOLLOW_LINKS)) continue;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(fan)) {
          for (Path p : files) {
            String name = p.getFileName().toString();
            if (!Sha256.isValid(name) || !name.startsWith(f)) continue;
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile()) blobs.add(new Blob(name, a.size()));
          }
        }
      }
    }
    return blobs;
  }

  /**
   * Deletes every blob whose hash is not in {@code referenced}, and temp files untouched for {@link #STALE_TEMP}
   * (younger ones may be uploads in progress). Returns what was removed.
   */
  public Collected collect(Set<String> referenced) throws IOException {
    return collect(referenced, Duration.ZERO);
  }

  /**
   * Like {@link #collect(Set)}, but keeps unreferenced blobs stored or re-uploaded within {@code grace}: content
   * uploaded for an image that is about to be written is not referenced yet.
   */
  public Collected collect(Set<String> referenced, Duration grace) throws IOException {
    Objects.requireNonNull(referenced, "referenced");
    Instant keepAfter = clock.instant().minus(grace);
    List<Blob> removed = new ArrayList<>();
    for (Blob b : list()) {
      if (referenced.contains(b.sha256())) continue;
      Path p = path(b.sha256());
      try {
        if (!grace.isZero() && !Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(keepAfter)) {
          continue;
        }
      } catch (NoSuchFileException e) {
        continue;
      }
      if (Files.deleteIfExists(p)) removed.add(b);
    }
    int temps = 0;
    Instant staleBefore = clock.instant().minus(STALE_TEMP);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path p : entries) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue; // finished (renamed or removed) meanwhile
        }
        if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(staleBefore) && Files.deleteIfExists(p)) {
          temps++;
        }
      }
    }
    if (!removed.isEmpty() || temps > 0) {
      LOG.info("collected {} unreferenced blobs and {} stale temp files", removed.size(), temps);
    }
    return new Collected(removed, temps);
  }

  private void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(clock.instant()));
    } catch (IOException e) {
      LOG.debug("cannot touch {}: {}", p, e.toString());
    }
  }

  /** Makes the rename durable: on Linux a new directory entry survives a crash only once the directory is synced. */
  private static void fsyncDirectory(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("cannot fsync directory {}: {}", d, e.toString()); // not supported everywhere; content is synced
    }
  }
}
