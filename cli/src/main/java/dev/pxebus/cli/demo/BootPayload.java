package dev.pxebus.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the end-to-end VMs boot: Debian's amd64 kernel, and an initrd of busybox-static plus the {@code /init} in
 * {@code src/test/resources/demo/init}, which prints the {@code pxebus.nonce=} of the kernel command line it was
 * given on ttyS0 and powers off. The initrd holds no nonce: it reaches the guest only through the command line
 * pxebus serves.
 *
 * <p>Both Debian packages are fetched with {@code apt-get download} (never installed: busybox-static conflicts with
 * the busybox package other tests use) and unpacked with {@code dpkg-deb}; the kernel and the busybox binary are
 * kept in a cache directory across runs ({@value #CACHE_ENV}, default {@value #DEFAULT_CACHE}), so only a clean
 * machine downloads (about 70 MB for the kernel package). The initrd is rebuilt in each run's directory.
 *
 * @param kernel a bzImage
 * @param initrd an uncompressed newc cpio archive
 * @param kernelPackage the Debian package the kernel came from (its file name says the version)
 */
public record BootPayload(Path kernel, Path initrd, String kernelPackage) {
  public static final String CACHE_ENV = "PXEBUS_E2E_CACHE";
  public static final String DEFAULT_CACHE = "/var/cache/pxebus-e2e";
  private static final Duration APT_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern KERNEL_DEPENDENCY = Pattern.compile("Depends: (linux-image-[0-9]\\S*-amd64)\\s");

  public static Path cacheDir() {
    String env = System.getenv(CACHE_ENV);
    return Path.of(env == null || env.isBlank() ? DEFAULT_CACHE : env);
  }

  /** The cached kernel and busybox (fetched when missing) and a fresh initrd in {@code work}. */
  public static BootPayload prepare(Path cache, Path work) throws IOException {
    Files.createDirectories(cache);
    Files.createDirectories(work);
    Path kernel;
    Path busybox;
    // Two runs on one machine share the cache: the second waits for the first's download.
    try (FileChannel lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
      kernel = cached(cache, "vmlinuz-").orElse(null);
      if (kernel == null) kernel = fetchKernel(cache);
      busybox = cached(cache, "busybox-").orElse(null);
      if (busybox == null) busybox = fetch(cache, "busybox-static", "./bin/busybox", "busybox-");
    }
    Path initrd = work.resolve("initrd.img");
    Files.write(initrd, initrd(Files.readAllBytes(busybox), init()));
    return new BootPayload(kernel, initrd, kernel.getFileName().toString().substring("vmlinuz-".length()));
  }

  /** {@code /init}, from the jar's resources. */
  static byte[] init() throws IOException {
    try (InputStream in = BootPayload.class.getResourceAsStream("/demo/init")) {
      if (in == null) throw new IOException("resource /demo/init missing from the pxebus jar");
      return in.readAllBytes();
    }
  }

  static byte[] initrd(byte[] busybox, byte[] init) {
    return new Cpio()
        .dir("bin").file("bin/busybox", 0755, busybox)
        .dir("dev").charDevice("dev/console", 0600, 5, 1)
        .dir("proc").dir("sys")
        .file("init", 0755, init)
        .toBytes();
  }

  private static Optional<Path> cached(Path cache, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
          .filter(Files::isRegularFile).sorted().reduce((a, b) -> b);
    }
  }

  /** The kernel package linux-image-amd64 currently points at, e.g. linux-image-6.1.0-57-amd64. */
  private static Path fetchKernel(Path cache) throws IOException {
    String deps = run(cache, APT_TIMEOUT, "apt-cache", "depends", "linux-image-amd64");
    Matcher m = KERNEL_DEPENDENCY.matcher(deps + "\n");
    if (!m.find()) {
      throw new IOException("apt-cache knows no kernel package behind linux-image-amd64 (run apt-get update once):\n"
          + deps);
    }
    return fetch(cache, m.group(1), "./boot/vmlinuz-*", "vmlinuz-");
  }

  /**
   * Downloads {@code pkg}, takes the one file matching {@code member} out of its data archive into the cache as
   * {@code <prefix><package version>}, and deletes the .deb.
   */
  private static Path fetch(Path cache, String pkg, String member, String prefix) throws IOException {
    Path dl = Files.createTempDirectory(cache, "download-");
    try {
      // The sandbox user _apt cannot write into a root-owned cache; say so instead of warning about it.
      run(dl, APT_TIMEOUT, "apt-get", "-q", "-o", "APT::Sandbox::User=root", "download", pkg);
      Path deb;
      try (Stream<Path> files = Files.list(dl)) {
        deb = files.filter(p -> p.toString().endsWith(".deb")).findFirst()
            .orElseThrow(() -> new IOException("apt-get download " + pkg + " left no .deb in " + dl));
      }
      String version = run(dl, APT_TIMEOUT, "dpkg-deb", "--field", deb.toString(), "Version").strip()
          .replaceAll("[^A-Za-z0-9.+~-]", "_");
      Path tmp = cache.resolve(prefix + version + ".tmp");
      run(dl, APT_TIMEOUT, "sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -O --wildcards \"$2\" > \"$3\"", "sh",
          deb.toString(), member, tmp.toString());
      if (Files.size(tmp) == 0) throw new IOException(member + " is empty or missing in " + deb.getFileName());
      Path target = cache.resolve(prefix + version);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      try (Stream<Path> files = Files.walk(dl)) {
        for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) Files.deleteIfExists(p);
      }
    }
  }

  /** Runs a command in {@code dir}, returning its output; a non-zero exit is an IOException with the output. */
  static String run(Path dir, Duration timeout, String... command) throws IOException {
    List<String> cmd = new ArrayList<>(Arrays.asList(command));
    // Output to a file, not a pipe: a chatty command can never block on a full pipe.
    Path log = Files.createTempFile("pxebus-e2e-cmd-", ".log");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          throw new IOException(String.join(" ", cmd) + " did not finish within " + timeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted: " + String.join(" ", cmd), e);
      }
      String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
      return text;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
