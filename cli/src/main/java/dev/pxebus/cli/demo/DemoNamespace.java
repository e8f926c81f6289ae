package dev.pxebus.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo's network namespace ({@code pxb-demo-XXXX}) and the processes it runs inside ({@code ip netns exec}).
 * {@link #close} kills every one of them with its descendants and deletes the namespace, with every interface in
 * it; it is idempotent, so the demo's shutdown hook can call it too (Ctrl-C).
 */
final class DemoNamespace implements AutoCloseable {
  private final String name;
  private final List<Process> processes = new ArrayList<>();
  private boolean closed;

  /** A command's exit code and its output (stdout and stderr). */
  record Result(int exitCode, String output) {
    static final Result EMPTY = new Result(-1, "");
  }

  private DemoNamespace(String name) {
    this.name = name;
  }

  static DemoNamespace create() throws IOException {
    String n = "pxb-demo-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    Result r = run(Duration.ofSeconds(10), List.of("ip", "netns", "add", n));
    if (r.exitCode() != 0) throw new IOException("cannot create network namespace " + n + ": " + r.output());
    DemoNamespace ns = new DemoNamespace(n);
    ns.ip("link", "set", "lo", "up");
    return ns;
  }

  String name() {
    return name;
  }

  /** {@code ip ARGS…} inside the namespace; a failure is an IOException with ip's message. */
  void ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Result r = exec(Duration.ofSeconds(10), cmd.toArray(String[]::new));
    if (r.exitCode() != 0) throw new IOException(String.join(" ", cmd) + " in " + name + ": " + r.output());
  }

  /** Runs a command inside and waits for it. */
  Result exec(Duration timeout, String... command) throws IOException {
    return run(timeout, inside(command));
  }

  /** Starts a long-running process inside, its output to {@code log}; killed on {@link #close}. */
  synchronized Process start(Path log, String... command) throws IOException {
    Process p = new ProcessBuilder(inside(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }

  /** Like {@link #start}, with its stdout on this process's stdout (shown live) and its stderr to {@code err}. */
  synchronized Process startInheritingOutput(Path err, String... command) throws IOException {
    Process p = new ProcessBuilder(inside(command)).redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(err.toFile()).start();
    processes.add(p);
    return p;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Result r = run(Duration.ofSeconds(10), List.of("ip", "netns", "del", name));
      if (r.exitCode() != 0) System.err.println("pxebus demo: could not delete " + name + ": " + r.output());
    } catch (IOException e) {
      System.err.println("pxebus demo: could not delete " + name + ": " + e.getMessage());
    }
  }

  private List<String> inside(String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(command));
    return cmd;
  }

  private static Result run(Duration timeout, List<String> cmd) throws IOException {
    Path log = Files.createTempFile("pxebus-demo-", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return new Result(-1, String.join(" ", cmd) + " did not finish within " + timeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        return new Result(-1, "interrupted");
      }
      return new Result(p.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
