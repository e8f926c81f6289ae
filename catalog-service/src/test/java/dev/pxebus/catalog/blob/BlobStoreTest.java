package dev.pxebus.catalog.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobStoreTest {
  // sha256("hello\n"), as printed by sha256sum.
  static final String HELLO = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

  @TempDir Path tmp;
  Path root;
  BlobStore store;

  @BeforeEach
  void setUp() throws IOException {
    root = tmp.resolve("store");
    store = new BlobStore(root);
  }

  static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Every path under the store's directory, relative, sorted. */
  List<String> tree() throws IOException {
    try (Stream<Path> s = Files.walk(store.directory())) {
      return s.filter(p -> !p.equals(store.directory())).map(p -> store.directory().relativize(p).toString())
          .sorted().toList();
    }
  }

  @Test
  void roundTripStoresUnderTheHashWithTwoCharFanOut() throws IOException {
    Blob b = store.put(text("hello\n"), 100);
    assertEquals(new Blob(HELLO, 6), b);
    assertEquals(List.of("58", "58/" + HELLO), tree());
    assertTrue(store.exists(HELLO));
    assertEquals(6, store.size(HELLO));
    try (InputStream in = store.open(HELLO)) {
      assertEquals("hello\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertTrue(store.verify(HELLO));
  }

  @Test
  void putOfStoredContentIsIdempotentAndKeepsTheFile() throws IOException {
    store.put(text("hello\n"), 100);
    FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(store.path(HELLO), before);
    Object inode = Files.readAttributes(store.path(HELLO), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    assertEquals(new Blob(HELLO, 6), store.put(text("hello\n"), 100));
    assertEquals(new Blob(HELLO, 6), store.putExpecting(text("hello\n"), HELLO, 100));
    assertEquals(inode, Files.readAttributes(store.path(HELLO),
        java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "the stored file is kept, not replaced");
    assertTrue(Files.getLastModifiedTime(store.path(HELLO)).compareTo(before) > 0,
        "but touched: the collector's grace period starts again for content uploaded anew");
    assertEquals(List.of("58", "58/" + HELLO), tree());
  }

  @Test
  void collectionKeepsUnreferencedBlobsWithinTheGracePeriod() throws IOException {
    store.put(text("hello\n"), 100);
    assertEquals(List.of(), store.collect(java.util.Set.of(), java.time.Duration.ofHours(1)).blobs(),
        "just stored: kept");
    Files.setLastModifiedTime(store.path(HELLO), FileTime.from(Instant.now().minus(java.time.Duration.ofHours(2))));
    assertEquals(List.of(new Blob(HELLO, 6)), store.collect(java.util.Set.of(), java.time.Duration.ofHours(1)).blobs(),
        "older than the grace period: collected");
    assertFalse(store.exists(HELLO));
  }

  @Test
  void emptyContentIsABlob() throws IOException {
    Blob b = store.put(InputStream.nullInputStream(), 0);
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", b.sha256());
    assertEquals(0, b.size());
  }

  @Test
  void limitCrossedMidStreamStopsReadingAndLeavesNothing() throws IOException {
    long[] read = {0};
    // 100 MiB of zeros that counts what was read from it.
    InputStream big = new InputStream() {
      long left = 100L << 20;

      @Override
      public int read() {
        return left-- > 0 ? 0 : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) return -1;
        int n = (int) Math.min(len, left);
        left -= n;
        read[0] += n;
        return n;
      }
    };
    BlobException e = assertThrows(BlobException.class, () -> store.put(big, 1 << 20));
    assertEquals(BlobException.Reason.TOO_LARGE, e.reason());
    assertEquals("content exceeds the limit of 1048576 bytes", e.getMessage());
    assertTrue(read[0] <= (1 << 20) + 64 * 1024, "read " + read[0] + " bytes past a 1 MiB limit");
    assertEquals(List.of(), tree());
  }

  @Test
  void exactlyTheLimitIsAccepted() throws IOException {
    assertEquals(6, store.put(text("hello\n"), 6).size());
    assertThrows(BlobException.class, () -> store.put(text("hello!\n"), 6));
  }

  @Test
  void hashMismatchIsRefusedAndLeavesNothing() {
    String other = "0".repeat(64);
    BlobException e = assertThrows(BlobException.class, () -> store.putExpecting(text("hello\n"), other, 100));
    assertEquals(BlobException.Reason.HASH_MISMATCH, e.reason());
    assertEquals("content hashes to " + HELLO + ", not " + other, e.getMessage());
    assertDoesNotExist(other);
    assertDoesNotExist(HELLO);
  }

  void assertDoesNotExist(String sha) {
    assertFalse(store.exists(sha));
    assertEquals(BlobException.Reason.NOT_FOUND,
        assertThrows(BlobException.class, () -> store.size(sha)).reason());
    assertEquals(BlobException.Reason.NOT_FOUND,
        assertThrows(BlobException.class, () -> store.open(sha)).reason());
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {
      "", "../../../../etc/passwd", "58/../../../x", "5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03",
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be0", // 63
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be033", // 65
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be0g",
      "/891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
      "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e8"})
  void invalidHashesAreRefusedBeforeAnyPathIsTouched(String bad) throws IOException {
    Files.writeString(tmp.resolve("passwd"), "not yours");
    List<String> before = tree();
    for (Executable call : List.<Executable>of(
        () -> store.exists(bad), () -> store.size(bad), () -> store.open(bad), () -> store.verify(bad),
        () -> store.path(bad), () -> store.putExpecting(text("x"), bad, 10))) {
      BlobException e = assertThrows(BlobException.class, call::run);
      assertEquals(BlobException.Reason.INVALID_HASH, e.reason());
    }
    assertEquals(before, tree());
    assertEquals("not yours", Files.readString(tmp.resolve("passwd")));
  }

  @FunctionalInterface
  interface Executable {
    void run() throws Exception;
  }

  @Test
  void nullHashIsInvalid() {
    assertEquals(BlobException.Reason.INVALID_HASH,
        assertThrows(BlobException.class, () -> store.exists(null)).reason());
  }

  @Test
  void verifyDetectsACorruptedBlob() throws IOException {
    store.put(text("hello\n"), 100);
    Files.writeString(store.path(HELLO), "jello\n");
    assertFalse(store.verify(HELLO));
  }

  @Test
  void importDirectoryStoresRegularFilesAndSkipsLinksLeavingIt() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("images/alpine"));
    Files.writeString(src.resolve("pxelinux.0"), "hello\n");
    Files.writeString(src.resolve("images/alpine/vmlinuz"), "kernel");
    Files.writeString(tmp.resolve("secret"), "outside");
    Files.createSymbolicLink(src.resolve("escape"), tmp.resolve("secret"));
    Files.createSymbolicLink(src.resolve("images/up"), Path.of("../../secret"));
    Files.createSymbolicLink(src.resolve("alias"), Path.of("pxelinux.0"));
    Files.createSymbolicLink(src.resolve("dangling"), Path.of("nowhere"));
    Files.createSymbolicLink(src.resolve("loop"), Path.of("."));

    ImportReport r = store.importDirectory(src);

    assertEquals(
        List.of("alias=" + HELLO, "images/alpine/vmlinuz=" + sha("kernel"), "pxelinux.0=" + HELLO),
        r.imported().stream().map(i -> i.name() + "=" + i.blob().sha256()).sorted().toList());
    assertEquals(
        List.of("dangling: dangling symbolic link",
            "escape: symbolic link leaving the directory: " + tmp.toRealPath().resolve("secret"),
            "images/up: symbolic link leaving the directory: " + tmp.toRealPath().resolve("secret"),
            "loop: symbolic link to something not a regular file"),
        r.skipped().stream().map(s -> s.name() + ": " + s.reason()).sorted().toList());
    assertFalse(store.exists(sha("outside")));
    assertEquals(2, store.list().size());
  }

  @Test
  void importFileRefusesASymbolicLink() throws IOException {
    Path f = Files.writeString(tmp.resolve("f"), "hello\n");
    Path link = Files.createSymbolicLink(tmp.resolve("l"), f);
    assertEquals(BlobException.Reason.NOT_A_FILE,
        assertThrows(BlobException.class, () -> store.importFile(link)).reason());
    assertEquals(new Blob(HELLO, 6), store.importFile(f));
  }

  @Test
  void collectRemovesUnreferencedBlobsAndStaleTempsOnly() throws IOException {
    Blob keep = store.put(text("hello\n"), 100);
    Blob drop = store.put(text("bye\n"), 100);
    Path stale = Files.writeString(store.directory().resolve(BlobStore.TEMP_PREFIX + "1.tmp"), "dead upload");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(120)));
    Path fresh = Files.writeString(store.directory().resolve(BlobStore.TEMP_PREFIX + "2.tmp"), "in progress");
    Path foreign = Files.writeString(store.directory().resolve("README"), "not a blob");

    Collected c = store.collect(Set.of(keep.sha256(), "not even a hash"));

    assertEquals(List.of(drop), c.blobs());
    assertEquals(4, c.bytes());
    assertEquals(1, c.staleTemps());
    assertTrue(store.exists(keep.sha256()));
    assertFalse(store.exists(drop.sha256()));
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(fresh));
    assertTrue(Files.exists(foreign));
    assertEquals(List.of(), store.collect(Set.of(keep.sha256())).blobs());
  }

  static String sha(String s) {
    try {
      return Sha256.hex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void helloConstantIsRight() {
    assertEquals(HELLO, sha("hello\n"));
  }
}
