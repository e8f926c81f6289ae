package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.lease.LeaseRecord.State;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The bytes of the lease journal's files; no policy (which file to read, what to do with a torn tail) lives here.
 *
 * <p>Every file (log segment or snapshot) starts with a 20-byte header, big-endian:
 * <pre>
 *   u32 magic "PXLJ" | u16 version (1) | u8 kind ('L' log, 'S' snapshot) | u8 0 | u64 generation | u32 CRC32C(bytes 0..15)
 * </pre>
 * then a sequence of frames:
 * <pre>
 *   u32 body length | u32 CRC32C(length bytes ‖ body) | body
 * </pre>
 * A lease body is {@code u8 1 | u8 state | u32 ip | i64 start | i64 expires | str clientKey | str mac | str hostname},
 * where {@code str} is a u16 byte count ({@code 0xFFFF} for null) and that many bytes of UTF-8. A snapshot ends with
 * an end body {@code u8 2 | u64 number of lease frames}, so a snapshot cut short is told from a complete one.
 */
final class JournalFormat {

  static final int MAGIC = 0x50584C4A; // "PXLJ"
  static final int VERSION = 1;
  static final byte KIND_LOG = 'L';
  static final byte KIND_SNAPSHOT = 'S';
  static final int HEADER_BYTES = 20;
  static final int FRAME_PREFIX_BYTES = 8;
  /** Longest journalled string; DHCP's own fields are at most 255 bytes (RFC 2132 §2). */
  static final int MAX_STRING_BYTES = 1024;

  private static final byte TYPE_LEASE = 1;
  private static final byte TYPE_END = 2;
  private static final int NULL_STRING = 0xFFFF;
  private static final int LEASE_FIXED_BYTES = 1 + 1 + 4 + 8 + 8 + 3 * 2;
  private static final int END_BYTES = 1 + 8;
  static final int MAX_BODY_BYTES = LEASE_FIXED_BYTES + 3 * MAX_STRING_BYTES;

  private JournalFormat() {}

  /** A file's header. */
  static byte[] header(byte kind, long generation) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
    b.putInt(MAGIC).putShort((short) VERSION).put(kind).put((byte) 0).putLong(generation);
    b.putInt(crc(b.array(), 0, HEADER_BYTES - 4));
    return b.array();
  }

  /**
   * The frame of one lease record.
   *
   * @throws IllegalArgumentException if the record is {@link State#OFFERED} or a string is longer than {@link
   *     #MAX_STRING_BYTES} bytes of UTF-8
   */
  static byte[] frame(LeaseRecord r) {
    if (r.state() == State.OFFERED) {
      throw new IllegalArgumentException("an OFFERED lease is held in memory only, never journalled: " + r);
    }
    byte[] key = utf8("clientKey", r.clientKey());
    byte[] mac = utf8("mac", r.mac());
    byte[] host = utf8("hostname", r.hostname());
    int length = LEASE_FIXED_BYTES + size(key) + size(mac) + size(host);
    ByteBuffer b = ByteBuffer.allocate(FRAME_PREFIX_BYTES + length);
    b.putInt(length).putInt(0);
    b.put(TYPE_LEASE).put(stateCode(r.state())).putInt(r.ip()).putLong(r.startMillis()).putLong(r.expiresMillis());
    putString(b, key);
    putString(b, mac);
    putString(b, host);
    return sealed(b.array());
  }

  /** The frame that ends a snapshot of {@code count} leases. */
  static byte[] endFrame(long count) {
    ByteBuffer b = ByteBuffer.allocate(FRAME_PREFIX_BYTES + END_BYTES);
    b.putInt(END_BYTES).putInt(0).put(TYPE_END).putLong(count);
    return sealed(b.array());
  }

  private static byte[] sealed(byte[] frame) {
    CRC32C c = new CRC32C();
    c.update(frame, 0, 4);
    c.update(frame, FRAME_PREFIX_BYTES, frame.length - FRAME_PREFIX_BYTES);
    ByteBuffer.wrap(frame).putInt(4, (int) c.getValue());
    return frame;
  }

  private static byte stateCode(State s) {
    // Fixed codes, not ordinals: reordering the enum must not change what old files mean.
    return switch (s) {
      case OFFERED -> throw new IllegalArgumentException("OFFERED is never journalled");
      case BOUND -> 1;
      case RELEASED -> 2;
      case EXPIRED -> 3;
      case DECLINED -> 4;
    };
  }

  private static State state(int code) throws Malformed {
    return switch (code) {
      case 1 -> State.BOUND;
      case 2 -> State.RELEASED;
      case 3 -> State.EXPIRED;
      case 4 -> State.DECLINED;
      default -> throw new Malformed("unknown lease state code " + code);
    };
  }

  private static byte[] utf8(String field, String s) {
    if (s == null) {
      return null;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(field + " is " + bytes.length + " bytes of UTF-8; at most "
          + MAX_STRING_BYTES + " are journalled");
    }
    return bytes;
  }

  private static int size(byte[] s) {
    return s == null ? 0 : s.length;
  }

  private static void putString(ByteBuffer b, byte[] s) {
    if (s == null) {
      b.putShort((short) NULL_STRING);
    } else {
      b.putShort((short) s.length).put(s);
    }
  }

  private static int crc(byte[] bytes, int from, int length) {
    CRC32C c = new CRC32C();
    c.update(bytes, from, length);
    return (int) c.getValue();
  }

  /** What a frame holds. */
  sealed interface Entry permits Lease, End {}

  /** A lease record. */
  record Lease(LeaseRecord record) implements Entry {}

  /** The end of a snapshot, with the number of leases before it. */
  record End(long count) implements Entry {}

  static Entry decode(byte[] body) throws Malformed {
    ByteBuffer b = ByteBuffer.wrap(body);
    byte type = b.get();
    Entry e;
    if (type == TYPE_LEASE) {
      if (body.length < LEASE_FIXED_BYTES) {
        throw new Malformed("lease body of " + body.length + " bytes, at least " + LEASE_FIXED_BYTES + " expected");
      }
      State state = state(b.get() & 0xFF);
      int ip = b.getInt();
      long start = b.getLong();
      long expires = b.getLong();
      String key = string(b, "clientKey");
      String mac = string(b, "mac");
      String host = string(b, "hostname");
      if (key == null) {
        throw new Malformed("lease without a clientKey");
      }
      e = new Lease(new LeaseRecord(key, mac, ip, state, start, expires, host));
    } else if (type == TYPE_END) {
      if (body.length != END_BYTES) {
        throw new Malformed("end body of " + body.length + " bytes, " + END_BYTES + " expected");
      }
      e = new End(b.getLong());
    } else {
      throw new Malformed("unknown record type " + type);
    }
    if (b.hasRemaining()) {
      throw new Malformed(b.remaining() + " bytes after the end of the record");
    }
    return e;
  }

  private static String string(ByteBuffer b, String field) throws Malformed {
    if (b.remaining() < 2) {
      throw new Malformed(field + " missing");
    }
    int length = b.getShort() & 0xFFFF;
    if (length == NULL_STRING) {
      return null;
    }
    if (length > b.remaining()) {
      throw new Malformed(field + " of " + length + " bytes overruns the record");
    }
    ByteBuffer bytes = b.slice(b.position(), length);
    b.position(b.position() + length);
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new Malformed(field + " is not UTF-8");
    }
  }

  /** A record whose checksum holds but whose content this build cannot read: a bug or a newer writer. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /**
   * Where the valid part of a file ends: an incomplete or checksum-failing frame, as a write cut short by a crash
   * leaves it. Everything before {@link #offset()} is intact.
   */
  static final class Torn extends Exception {
    private static final long serialVersionUID = 1L;
    private final long offset;
    private final boolean nothingWritten;

    Torn(long offset, String reason, boolean nothingWritten) {
      super(reason);
      this.offset = offset;
      this.nothingWritten = nothingWritten;
    }

    long offset() {
      return offset;
    }

    /**
     * Nothing was ever written from the offset on: at offset 0, the header is missing or all zeros (the file was
     * created and the crash came before its first write); further on, only zeros follow (space a log segment grew
     * ahead of its records).
     */
    boolean nothingWritten() {
      return nothingWritten;
    }
  }

  /** Reads one file's header, then its frames in order. */
  static final class Reader implements Closeable {
    private final Path file;
    private final FileChannel channel;
    private final InputStream in;
    private final long size;
    private final byte[] prefix = new byte[FRAME_PREFIX_BYTES];
    private long offset;

    Reader(Path file) throws IOException {
      this.file = file;
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      this.size = channel.size();
      this.in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
    }

    /** The file's length when opened. */
    long size() {
      return size;
    }

    /** Where the next frame starts: the end of what has been read and found intact. */
    long offset() {
      return offset;
    }

    /**
     * Checks the header.
     *
     * @throws Torn if the header is incomplete, all zeros, or fails its checksum
     * @throws IOException if the file is not a journal file of this kind and generation, or of a newer version
     */
    void header(byte kind, long generation) throws Torn, IOException {
      byte[] h = new byte[HEADER_BYTES];
      int n = in.readNBytes(h, 0, HEADER_BYTES);
      if (n < HEADER_BYTES) {
        throw new Torn(0, "incomplete file header (" + n + " of " + HEADER_BYTES + " bytes)", true);
      }
      if (allZero(h)) {
        throw new Torn(0, "file header is all zeros", true);
      }
      ByteBuffer b = ByteBuffer.wrap(h);
      int magic = b.getInt();
      if (magic != MAGIC) {
        throw new IOException(file + " is not a lease journal file (magic 0x" + Integer.toHexString(magic) + ")");
      }
      if (crc(h, 0, HEADER_BYTES - 4) != b.getInt(HEADER_BYTES - 4)) {
        throw new Torn(0, "file header checksum mismatch", false);
      }
      int version = b.getShort() & 0xFFFF;
      if (version != VERSION) {
        throw new IOException(file + " has journal format version " + version + "; this build reads version "
            + VERSION);
      }
      byte k = b.get();
      b.get();
      long g = b.getLong();
      if (k != kind) {
        throw new IOException(file + " is of kind '" + (char) k + "', '" + (char) kind + "' expected");
      }
      if (g != generation) {
        throw new IOException(file + " holds generation " + g + " but its name says " + generation);
      }
      offset = HEADER_BYTES;
    }

    /**
     * The next frame, or null at the clean end of the file.
     *
     * @throws Torn at an incomplete or checksum-failing frame
     * @throws IOException at a frame whose checksum holds but which cannot be decoded
     */
    Entry next() throws Torn, IOException {
      int n = in.readNBytes(prefix, 0, FRAME_PREFIX_BYTES);
      if (n == 0) {
        return null;
      }
      if (allZero(prefix, n) && restIsZero()) {
        throw new Torn(offset, "unwritten space (zeros) from here to the end, " + (size - offset) + " bytes", true);
      }
      if (n < FRAME_PREFIX_BYTES) {
        throw new Torn(offset, "incomplete record prefix (" + n + " of " + FRAME_PREFIX_BYTES + " bytes)", false);
      }
      ByteBuffer p = ByteBuffer.wrap(prefix);
      int length = p.getInt(0);
      int crc = p.getInt(4);
      if (length < 1 || length > MAX_BODY_BYTES) {
        throw new Torn(offset, "record length " + length + " out of range", false);
      }
      byte[] body = new byte[length];
      int m = in.readNBytes(body, 0, length);
      if (m < length) {
        throw new Torn(offset, "incomplete record (" + m + " of " + length + " bytes)", false);
      }
      CRC32C c = new CRC32C();
      c.update(prefix, 0, 4);
      c.update(body);
      if ((int) c.getValue() != crc) {
        throw new Torn(offset, "record checksum mismatch", false);
      }
      Entry e;
      try {
        e = decode(body);
      } catch (Malformed bad) {
        throw new IOException(file + " offset " + offset + ": the record's checksum holds but it cannot be read ("
            + bad.getMessage() + "); written by a newer pxebus?", bad);
      }
      offset += FRAME_PREFIX_BYTES + length;
      return e;
    }

    /** Reads the rest of the file: true if it is all zeros. */
    private boolean restIsZero() throws IOException {
      byte[] chunk = new byte[1 << 16];
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        for (int i = 0; i < n; i++) {
          if (chunk[i] != 0) {
            return false;
          }
        }
      }
      return true;
    }

    private static boolean allZero(byte[] bytes) {
      return allZero(bytes, bytes.length);
    }

    private static boolean allZero(byte[] bytes, int length) {
      for (int i = 0; i < length; i++) {
        if (bytes[i] != 0) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
