package dev.pxebus.tftp.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A boot root for tests, in a temporary directory, with something worth stealing beside it:
 * <pre>
 * base/outside/secret.txt            the secret ({@link #SECRET}), outside the root
 * base/root-evil/secret.txt          a sibling whose name starts with the root's (catches string-prefix checks)
 * base/root/                         the boot root
 *   pxelinux.0                       70 000 pseudo-random bytes
 *   empty.bin                        0 bytes
 *   pxelinux.cfg/default             static fallback menu
 *   boot.ipxe, grub/grub.cfg         static fallbacks of generated names
 *   grub/x86_64-efi/normal.mod       a static file under grub/
 *   sub/file.bin                     "inside"
 *   link-in -> sub/file.bin          links that stay inside (relative and absolute)
 *   link-in-abs -> base/root/sub/file.bin
 *   link-out -> ../outside/secret.txt, link-out-abs -> base/outside/secret.txt
 *   dir-out -> ../outside            a directory link leading out
 *   sibling -> ../root-evil/secret.txt
 *   dangling -> ../nowhere, loop -> loop
 *   pxelinux.cfg/evil, evil.ipxe, grub/grub.cfg-evil -> the secret (generated names falling back to the root)
 *   fifo                             a FIFO (mkfifo), when it can be made
 *   null-device                      a character device (mknod c 1 3), when it can be made (root)
 * </pre>
 */
public final class BootRoot {
  public static final String SECRET = "PXEBUS-TEST-SECRET-3b1f";

  public final Path base;
  public final Path root;
  public final Path outside;
  public final Path secret;
  public final boolean hasFifo;
  public final boolean hasDevice;

  private BootRoot(Path base, boolean hasFifo, boolean hasDevice) {
    this.base = base;
    this.root = base.resolve("root");
    this.outside = base.resolve("outside");
    this.secret = outside.resolve("secret.txt");
    this.hasFifo = hasFifo;
    this.hasDevice = hasDevice;
  }

  public static BootRoot create(Path tmp) throws IOException {
    Path base = tmp.toRealPath();
    Path root = Files.createDirectories(base.resolve("root"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET + "\n");
    Files.writeString(Files.createDirectories(base.resolve("root-evil")).resolve("secret.txt"), SECRET + " sibling\n");

    Files.write(root.resolve("pxelinux.0"), pseudoRandom(70_000, 1));
    Files.write(root.resolve("empty.bin"), new byte[0]);
    Files.writeString(Files.createDirectories(root.resolve("pxelinux.cfg")).resolve("default"), "DEFAULT static\n");
    Files.writeString(root.resolve("boot.ipxe"), "#!ipxe\necho static boot.ipxe\n");
    Files.writeString(Files.createDirectories(root.resolve("grub")).resolve("grub.cfg"), "set default=static\n");
    Files.writeString(Files.createDirectories(root.resolve("grub/x86_64-efi")).resolve("normal.mod"), "module\n");
    Files.writeString(Files.createDirectories(root.resolve("sub")).resolve("file.bin"), "inside\n");

    Files.createSymbolicLink(root.resolve("link-in"), Path.of("sub/file.bin"));
    Files.createSymbolicLink(root.resolve("link-in-abs"), root.resolve("sub/file.bin"));
    Files.createSymbolicLink(root.resolve("link-out"), Path.of("../outside/secret.txt"));
    Files.createSymbolicLink(root.resolve("link-out-abs"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("dir-out"), Path.of("../outside"));
    Files.createSymbolicLink(root.resolve("sibling"), Path.of("../root-evil/secret.txt"));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("../nowhere"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    // Links under generated names: reached through the static fallback when menu-service is down.
    Files.createSymbolicLink(root.resolve("pxelinux.cfg/evil"), Path.of("../../outside/secret.txt"));
    Files.createSymbolicLink(root.resolve("evil.ipxe"), Path.of("../outside/secret.txt"));
    Files.createSymbolicLink(root.resolve("grub/grub.cfg-evil"), outside.resolve("secret.txt"));

    boolean fifo = run("mkfifo", root.resolve("fifo").toString());
    boolean device = run("mknod", root.resolve("null-device").toString(), "c", "1", "3");
    return new BootRoot(base, fifo, device);
  }

  /** Deterministic test content. */
  public static byte[] pseudoRandom(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  public byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(root.resolve(name));
  }

  /** True if any part of {@code content} is the secret. */
  public static boolean leaks(byte[] content) {
    return new String(content, StandardCharsets.ISO_8859_1).contains(SECRET);
  }

  private static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
