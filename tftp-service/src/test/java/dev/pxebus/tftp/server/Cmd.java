package dev.pxebus.tftp.server;

import dev.pxebus.testing.ThreadDump;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real client programs for the tests, with a deadline, and hashes files. */
final class Cmd {
  record Result(List<String> command, int exit, String output, long millis) {
    Result ok() {
      if (exit != 0) throw new AssertionError(String.join(" ", command) + " exited " + exit + ":\n" + output);
      return this;
    }
  }

  private Cmd() {}

  static Process start(Path dir, String... command) throws IOException {
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  static Result run(Duration timeout, Path dir, String... command) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = start(dir, command);
    return await(p, timeout, t0, command);
  }

  static Result await(Process p, Duration timeout, long t0, String... command) throws InterruptedException, IOException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      // A client that never finishes most likely means a stuck server in this JVM: say where its threads are.
      ThreadDump.print(String.join(" ", command) + " still running after " + timeout);
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return new Result(Arrays.asList(command), -1, new String(p.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")", (System.nanoTime() - t0) / 1_000_000);
    }
    return new Result(Arrays.asList(command), p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
  }

  static boolean installed(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, program))) return true;
    }
    return false;
  }

  static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code size} pseudo-random bytes (seeded: the same file every run). */
  static Path randomFile(Path file, long size, long seed) throws IOException {
    java.util.Random r = new java.util.Random(seed);
    byte[] buf = new byte[1 << 16];
    try (var out = Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        r.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        left -= n;
      }
    }
    return file;
  }
}
