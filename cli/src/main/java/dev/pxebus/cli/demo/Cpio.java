package dev.pxebus.cli.demo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A cpio archive in the "newc" format (the SVR4 format without CRC, magic {@code 070701}) that the Linux kernel
 * unpacks as an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). Written here so that the
 * end-to-end tests need no cpio tool: directories, regular files and character devices, owned by root.
 */
final class Cpio {
  private static final int DIR = 0040000;
  private static final int FILE = 0100000;
  private static final int CHAR_DEVICE = 0020000;
  private static final String TRAILER = "TRAILER!!!";

  private record Entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {}

  private final List<Entry> entries = new ArrayList<>();

  Cpio dir(String name) {
    entries.add(new Entry(name, DIR | 0755, new byte[0], 0, 0));
    return this;
  }

  Cpio file(String name, int permissions, byte[] data) {
    entries.add(new Entry(name, FILE | permissions, data, 0, 0));
    return this;
  }

  Cpio charDevice(String name, int permissions, int major, int minor) {
    entries.add(new Entry(name, CHAR_DEVICE | permissions, new byte[0], major, minor));
    return this;
  }

  byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int ino = 1;
    for (Entry e : entries) write(out, ino++, e);
    write(out, 0, new Entry(TRAILER, 0, new byte[0], 0, 0));
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, int ino, Entry e) {
    byte[] name = (e.name() + "\0").getBytes(StandardCharsets.US_ASCII);
    boolean dir = (e.mode() & 0170000) == DIR;
    StringBuilder h = new StringBuilder("070701");
    for (long field : new long[] {ino, e.mode(), 0, 0, dir ? 2 : 1, 0, e.data().length, 0, 0, e.rdevMajor(),
        e.rdevMinor(), name.length, 0}) {
      h.append(String.format("%08x", field));
    }
    out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(name);
    pad(out);
    out.writeBytes(e.data());
    pad(out);
  }

  /** Header plus name, and the data, each end on a 4-byte boundary. */
  private static void pad(ByteArrayOutputStream out) {
    while (out.size() % 4 != 0) out.write(0);
  }
}
