package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
