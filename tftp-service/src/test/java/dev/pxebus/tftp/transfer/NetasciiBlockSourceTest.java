package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetasciiBlockSourceTest {

  /** The reference conversion, byte by byte (RFC 764 NVT as RFC 1350 §1 uses it). */
  static byte[] convert(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : raw) {
      if (b == '\n') {
        out.write('\r');
        out.write('\n');
      } else if (b == '\r') {
        out.write('\r');
        out.write(0);
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  @Test
  void lfBecomesCrLfAndCrBecomesCrNul() throws IOException {
    byte[] raw = "default menu\nlabel linux\r\n\rend".getBytes(StandardCharsets.US_ASCII);
    NetasciiBlockSource src = new NetasciiBlockSource(BlockSource.of(raw));
    byte[] expected = "default menu\r\nlabel linux\r\0\r\n\r\0end".getBytes(StandardCharsets.US_ASCII);
    assertEquals(expected.length, src.size(), "size() is the converted size (the tsize answer)");
    ByteBuffer all = ByteBuffer.allocate(100);
    assertEquals(expected.length, src.read(0, all));
    assertArrayEquals(expected, Arrays.copyOf(all.array(), expected.length));
  }

  @Test
  void emptyAndNewlineOnlyFiles() throws IOException {
    assertEquals(0, new NetasciiBlockSource(BlockSource.of(new byte[0])).size());
    NetasciiBlockSource lf = new NetasciiBlockSource(BlockSource.of(new byte[] {'\n'}));
    assertEquals(2, lf.size());
    ByteBuffer one = ByteBuffer.allocate(1);
    assertEquals(1, lf.read(1, one), "a read may start on the second byte of a pair");
    assertEquals('\n', one.get(0));
  }

  @Test
  void everyOffsetAndLengthMatchesTheReference() throws IOException {
    byte[] raw = "a\nb\r\nc\r\rd\n\n".getBytes(StandardCharsets.US_ASCII);
    byte[] expected = convert(raw);
    for (int chunk : new int[] {1, 2, 3, 5, 64}) {
      NetasciiBlockSource src = new NetasciiBlockSource(BlockSource.of(raw), chunk);
      assertEquals(expected.length, src.size());
      for (int offset = 0; offset <= expected.length; offset++) {
        for (int len = 1; len <= expected.length + 1; len++) {
          ByteBuffer dst = ByteBuffer.allocate(len);
          int n = src.read(offset, dst);
          int want = Math.max(0, Math.min(len, expected.length - offset));
          assertEquals(want, n, "chunk " + chunk + " offset " + offset + " len " + len);
          assertArrayEquals(Arrays.copyOfRange(expected, offset, offset + want), Arrays.copyOf(dst.array(), n),
              "chunk " + chunk + " offset " + offset + " len " + len);
        }
      }
    }
  }

  @Test
  void sequentialBlocksAndRandomRetransmissionsOverAFileLargerThanTheCheckpointStride() throws IOException {
    Random random = new Random(7);
    byte[] raw = new byte[300_000];
    for (int i = 0; i < raw.length; i++) {
      int r = random.nextInt(100);
      raw[i] = (byte) (r < 8 ? '\n' : r < 12 ? '\r' : 'a' + r % 26);
    }
    byte[] expected = convert(raw);
    NetasciiBlockSource src = new NetasciiBlockSource(BlockSource.of(raw), 4096);
    assertEquals(expected.length, src.size());

    int blksize = 1468;
    ByteArrayOutputStream sequential = new ByteArrayOutputStream();
    for (long offset = 0; offset < expected.length; offset += blksize) {
      ByteBuffer block = ByteBuffer.allocate(blksize);
      int n = src.read(offset, block);
      sequential.write(block.array(), 0, n);
      if (offset % (blksize * 37) == 0) { // now and then a retransmission of an earlier block
        long back = Math.max(0, offset - blksize * (long) random.nextInt(20));
        ByteBuffer again = ByteBuffer.allocate(blksize);
        int m = src.read(back, again);
        assertArrayEquals(Arrays.copyOfRange(expected, (int) back, (int) back + m), Arrays.copyOf(again.array(), m));
      }
    }
    assertArrayEquals(expected, sequential.toByteArray());
  }

  @Test
  void aFileWhoseSizeIsAMultipleOfTheStride() throws IOException {
    byte[] raw = "ab\ncd\n\r\n".getBytes(StandardCharsets.US_ASCII); // 8 bytes, stride 4
    byte[] expected = convert(raw);
    NetasciiBlockSource src = new NetasciiBlockSource(BlockSource.of(raw), 4);
    assertEquals(expected.length, src.size());
    for (int offset = 0; offset < expected.length; offset++) {
      ByteBuffer dst = ByteBuffer.allocate(expected.length);
      int n = src.read(offset, dst);
      assertArrayEquals(Arrays.copyOfRange(expected, offset, expected.length), Arrays.copyOf(dst.array(), n));
    }
  }
}
