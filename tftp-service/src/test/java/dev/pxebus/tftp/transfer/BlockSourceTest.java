package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockSourceTest {

  @Test
  void inMemorySourceReadsAtAnyOffset() throws IOException {
    BlockSource src = BlockSource.of("0123456789".getBytes());
    assertEquals(10, src.size());
    ByteBuffer dst = ByteBuffer.allocate(4);
    assertEquals(4, src.read(3, dst));
    assertArrayEquals("3456".getBytes(), dst.array());
    dst.clear();
    assertEquals(2, src.read(8, dst), "short only at the end");
    assertEquals(0, src.read(10, ByteBuffer.allocate(4)));
    assertEquals(0, src.read(99, ByteBuffer.allocate(4)));
  }

  @Test
  void fileSourceUsesPositionalReadsAndTheSizeAtOpen(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("pxelinux.0");
    byte[] content = new byte[100_000];
    for (int i = 0; i < content.length; i++) content[i] = (byte) (i * 7);
    Files.write(file, content);
    try (FileBlockSource src = FileBlockSource.open(file)) {
      assertEquals(100_000, src.size());
      ByteBuffer block = ByteBuffer.allocate(1468);
      assertEquals(1468, src.read(1468 * 3, block));
      assertArrayEquals(Arrays.copyOfRange(content, 1468 * 3, 1468 * 4), block.array());
      block.clear();
      assertEquals(100_000 % 1468, src.read(1468 * 68, block));
      Files.write(file, new byte[10], java.nio.file.StandardOpenOption.APPEND);
      assertEquals(100_000, src.size(), "the size is the one taken at open");
      assertEquals(0, src.read(100_000, ByteBuffer.allocate(10)), "bytes appended later are not served");
    }
  }

  @Test
  void aMappedSourceReadsTheSameBytesAsPreadAtEveryOffset(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("initrd.img");
    byte[] content = new byte[3 * 1024 * 1024 + 777];
    new Random(7).nextBytes(content);
    Files.write(file, content);
    SharedMappings mappings = new SharedMappings();
    try (FileBlockSource mapped = FileBlockSource.open(file, mappings);
        FileBlockSource pread = FileBlockSource.open(file, null)) {
      assertTrue(mapped.mapped());
      assertFalse(pread.mapped());
      Random r = new Random(11);
      for (int i = 0; i < 2000; i++) {
        long offset = i < 10 ? content.length - i * 100L : r.nextInt(content.length);
        int length = 1 + r.nextInt(8192);
        ByteBuffer a = ByteBuffer.allocateDirect(4 + length).position(4);
        ByteBuffer b = ByteBuffer.allocateDirect(4 + length).position(4);
        int na = mapped.read(offset, a);
        assertEquals(pread.read(offset, b), na, "bytes read at " + offset);
        assertEquals(4 + na, a.position(), "position advanced by the bytes read");
        assertEquals(a.flip().position(4), b.flip().position(4), "bytes at " + offset + "+" + length);
        int expected = (int) Math.min(length, content.length - offset);
        assertEquals(expected, na);
        byte[] got = new byte[na];
        a.position(4).get(got);
        assertArrayEquals(Arrays.copyOfRange(content, (int) offset, (int) offset + na), got);
      }
      assertEquals(0, mapped.read(content.length, ByteBuffer.allocate(10)));
    }
    assertEquals(0, mappings.mapped(), "unmapped with the last source");
  }

  @Test
  void transfersOfOneFileShareOneMappingAndTheLastCloseUnmapsIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("vmlinuz");
    byte[] content = new byte[200_000];
    new Random(3).nextBytes(content);
    Files.write(file, content);
    SharedMappings mappings = new SharedMappings();
    FileBlockSource first = FileBlockSource.open(file, mappings);
    FileBlockSource second = FileBlockSource.open(file, mappings);
    assertEquals(1, mappings.mapped());
    first.close();
    first.close(); // twice changes nothing
    assertEquals(1, mappings.mapped(), "still used by the second");
    ByteBuffer block = ByteBuffer.allocate(1468);
    assertEquals(1468, second.read(150_000, block));
    assertArrayEquals(Arrays.copyOfRange(content, 150_000, 151_468), block.array());
    assertThrows(IOException.class, () -> first.read(0, ByteBuffer.allocate(10)), "a closed source reads nothing");
    second.close();
    assertEquals(0, mappings.mapped());
    try (FileBlockSource third = FileBlockSource.open(file, mappings)) {
      assertTrue(third.mapped(), "mapped again when needed again");
      assertEquals(1, mappings.mapped());
    }
    assertEquals(0, mappings.mapped());
  }

  @Test
  void aFileReplacedUnderItsNameGetsAMappingOfItsOwnAndOpenTransfersKeepTheOldBytes(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("pxelinux.0");
    byte[] old = new byte[100_000];
    Arrays.fill(old, (byte) 'o');
    Files.write(file, old);
    SharedMappings mappings = new SharedMappings();
    try (FileBlockSource before = FileBlockSource.open(file, mappings)) {
      byte[] updated = new byte[100_000];
      Arrays.fill(updated, (byte) 'n');
      Path tmp = dir.resolve("pxelinux.0.tmp");
      Files.write(tmp, updated);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      try (FileBlockSource after = FileBlockSource.open(file, mappings)) {
        assertEquals(2, mappings.mapped());
        ByteBuffer a = ByteBuffer.allocate(10);
        ByteBuffer b = ByteBuffer.allocate(10);
        before.read(500, a);
        after.read(500, b);
        assertEquals('o', a.get(0));
        assertEquals('n', b.get(0));
      }
    }
    assertEquals(0, mappings.mapped());
  }

  @Test
  void aFileRenamedOverTheNameBetweenLookAndOpenIsReadWithoutAMapping(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("initrd.img");
    byte[] old = new byte[100_000];
    Arrays.fill(old, (byte) 'o');
    Files.write(file, old);
    BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
    SharedMappings mappings = new SharedMappings();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Path tmp = dir.resolve("initrd.img.tmp");
      Files.write(tmp, new byte[100_000]);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      assertTrue(mappings.acquire(file, channel, 100_000, before).isEmpty(),
          "the channel is the old file: its mapping must not be filed under the new one");
      assertEquals(0, mappings.mapped());
    }
  }

  @Test
  void smallFilesAreReadWithoutAMapping(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("menu.c32");
    Files.write(file, new byte[(int) SharedMappings.MIN_SIZE - 1]);
    SharedMappings mappings = new SharedMappings();
    try (FileBlockSource src = FileBlockSource.open(file, mappings)) {
      assertFalse(src.mapped());
      assertEquals(0, mappings.mapped());
      assertEquals(10, src.read(0, ByteBuffer.allocate(10)));
    }
  }

  @Test
  void aBootRootFileIsNeverMappedSoATruncationIsAShortRead(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("initrd.img");
    Files.write(file, new byte[1024 * 1024]);
    try (FileBlockSource src = FileBlockSource.open(file)) {
      assertFalse(src.mapped(), "open() is for files an operator may rewrite in place");
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(1000);
      }
      assertEquals(0, src.read(512 * 1024, ByteBuffer.allocateDirect(1468)), "past the new end: nothing");
      assertThrows(EOFException.class, () -> src.readBlock(512 * 1024, ByteBuffer.allocateDirect(1468), 1468));
    }
    try (FileBlockSource cached = FileBlockSource.openImmutable(dir.resolve("initrd.img"))) {
      assertFalse(cached.mapped(), "1000 bytes now: too small to map");
    }
  }

  @Test
  void readBlockWritesBehindTheHeaderOrFailsOnATruncatedSource() throws IOException {
    BlockSource src = BlockSource.of("abcdef".getBytes());
    ByteBuffer packet = ByteBuffer.allocate(4 + 512);
    packet.position(4);
    src.readBlock(2, packet, 3);
    assertEquals(7, packet.position());
    assertEquals(516, packet.limit(), "limit restored");
    assertEquals('c', packet.get(4));
    assertThrows(EOFException.class, () -> src.readBlock(4, ByteBuffer.allocate(10), 5));
  }
}
