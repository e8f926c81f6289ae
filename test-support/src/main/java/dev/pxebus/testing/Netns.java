package dev.pxebus.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * A network namespace a test creates for its own hosts (clients, servers, a bridge for a VM), and always removes:
 * on {@link #close()}, and from a JVM shutdown hook if the test never got there. Processes started inside it are
 * killed on close; only those. Traffic stays inside the namespaces a test creates.
 *
 * <pre>{@code
 * Netns.requireSupport();
 * try (Netns server = Netns.create("srv"); Netns client = Netns.create("cli")) {
 *   Netns.veth(server, "s0", "10.250.0.1/24", client, "c0", "10.250.0.2/24");
 *   client.exec(Duration.ofSeconds(5), "ping", "-c1", "10.250.0.1").assertOk();
 * }
 * }</pre>
 */
public final class Netns implements AutoCloseable {
  /** Every namespace of these tests is named with this prefix. */
  public static final String PREFIX = "pxb-";
  private static final Set<Netns> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Netns::close), "netns-cleanup"));
  }

  /** The outcome of a command. */
  public record Result(List<String> command, int exitCode, String output) {
    public Result assertOk() {
      if (exitCode != 0) throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
      return this;
    }
  }

  private final String name;
  private final List<Process> processes = new ArrayList<>();
  private volatile boolean closed;

  private Netns(String name) {
    this.name = name;
  }

  /**
   * Network tests need root and {@code ip netns}. Without them the test is skipped — except under {@code CI=true},
   * where it fails: CI must run every network test.
   */
  public static void requireSupport() {
    String missing = null;
    if (!"root".equals(System.getProperty("user.name"))) missing = "root";
    else if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) missing = "iproute2";
    if (missing == null) return;
    String why = "network namespace test needs " + missing;
    if ("true".equals(System.getenv("CI"))) throw new AssertionError(why + " (CI=true: network tests must run)");
    throw new TestAbortedException(why);
  }

  /** Creates {@code pxb-<label>-<random>} with its loopback up. */
  public static Netns create(String label) {
    String n = PREFIX + label + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    if (n.length() > 15) throw new IllegalArgumentException("namespace label too long: " + label);
    host(Duration.ofSeconds(10), "ip", "netns", "add", n).assertOk();
    Netns ns = new Netns(n);
    OPEN.add(ns);
    ns.exec(Duration.ofSeconds(10), "ip", "link", "set", "lo", "up").assertOk();
    return ns;
  }

  /** A veth pair from {@code a} to {@code b}, both ends addressed and up. */
  public static void veth(Netns a, String ifA, String cidrA, Netns b, String ifB, String cidrB) {
    Duration t = Duration.ofSeconds(10);
    a.exec(t, "ip", "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.name()).assertOk();
    if (cidrA != null) a.exec(t, "ip", "addr", "add", cidrA, "dev", ifA).assertOk();
    if (cidrB != null) b.exec(t, "ip", "addr", "add", cidrB, "dev", ifB).assertOk();
    a.exec(t, "ip", "link", "set", ifA, "up").assertOk();
    b.exec(t, "ip", "link", "set", ifB, "up").assertOk();
  }

  public String name() {
    return name;
  }

  /** Runs a command inside the namespace and waits for it. */
  public Result exec(Duration timeout, String... command) {
    return host(timeout, inside(command));
  }

  /** Starts a long-running process inside the namespace; it is killed on {@link #close()}. */
  public synchronized Process start(Path log, String... command) throws IOException {
    if (closed) throw new IllegalStateException(name + " is closed");
    ProcessBuilder pb = new ProcessBuilder(inside(command)).redirectErrorStream(true);
    if (log != null) pb.redirectOutput(log.toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private List<String> inside(String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(Arrays.asList(command));
    return cmd;
  }

  /** Runs a command in the test's own namespace. */
  public static Result host(Duration timeout, String... command) {
    return host(timeout, Arrays.asList(command));
  }

  private static Result host(Duration timeout, List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out;
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        out = p.getInputStream().readAllBytes();
        return new Result(command, -1, new String(out, StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")");
      }
      out = p.getInputStream().readAllBytes();
      return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(command, -1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(command, -1, "interrupted");
    }
  }

  /** Kills what this test started inside, then deletes the namespace (its veth ends go with it). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Result r = host(Duration.ofSeconds(10), "ip", "netns", "del", name);
    OPEN.remove(this);
    if (r.exitCode() != 0 && !r.output().contains("No such file")) {
      throw new IllegalStateException("could not delete network namespace " + name + ": " + r.output());
    }
  }

  /** Whether a namespace of this name exists now. */
  public static boolean exists(String name) {
    return host(Duration.ofSeconds(5), "ip", "netns", "list").output().lines()
        .anyMatch(l -> l.split(" ")[0].equals(name));
  }
}
