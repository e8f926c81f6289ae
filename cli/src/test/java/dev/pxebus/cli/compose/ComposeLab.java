package dev.pxebus.cli.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * The repository's {@code docker-compose.yml}, run for real by Debian's docker-compose against podman, inside a
 * network namespace this test creates: podman's API service ({@code docker/podman/engine}) runs in the namespace, so
 * every container, bridge, firewall rule, published port and {@code network_mode: host} stays in it. The namespace
 * holds a bridge {@value #BRIDGE} with {@value #SERVER_IP}, on which dhcp-service can be a full DHCP server and VMs
 * can be plugged. Images come from {@code bin/local-images} (a Debian JRE base, Kafka from Maven, the host's jars):
 * no registry is asked.
 *
 * <p>Closing runs {@code down -v}, stops the engine (its PID namespace takes every container and conmon with it),
 * removes the engine's directory and podman's empty cgroups, and deletes the namespace; a shutdown hook does the same
 * if the test never gets there. Logs are kept in the work directory.
 */
public final class ComposeLab implements AutoCloseable {
  public static final String BRIDGE = "br0";
  public static final String SERVER_IP = "10.213.10.1";
  public static final String POOL = "10.213.10.100-10.213.10.149";
  /** The repository root (the cli module's tests run in {@code cli/}). */
  public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  public static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
  public static final List<String> SERVICES =
      List.of("kafka", "catalog-service", "menu-service", "dhcp-service", "tftp-service");
  private static final Path ENGINE = ROOT.resolve("docker/podman/engine");
  private static final Duration CMD = Duration.ofSeconds(10);
  private static final Duration IMAGES = Duration.ofMinutes(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/v1.41";
  private static final List<String> KEPT = List.of("PXEBUS_IMAGE_CACHE", "PXEBUS_DEBIAN_MIRROR");

  /** A finished command. */
  public record Result(List<String> command, int exitCode, String output) {
    public Result assertOk() {
      if (exitCode != 0) throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
      return this;
    }
  }

  private final Netns ns;
  private final String project;
  private final Path work;
  private final Path engineDir;
  private final List<String> composeFiles = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> log = new ArrayList<>();
  private final Thread hook = new Thread(this::close, "compose-lab-cleanup");
  private Process engine;
  private Path imagesEnv;
  private boolean closed;

  private ComposeLab(Netns ns, String project, Path work, Path engineDir) {
    this.ns = ns;
    this.project = project;
    this.work = work;
    this.engineDir = engineDir;
  }

  /**
   * Root, namespaces, podman and its helpers, docker-compose, debootstrap and curl; skips without them, except under
   * {@code CI=true}, where it fails: CI must run the compose lab.
   */
  public static void requireSupport() {
    Netns.requireSupport();
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("podman", "runc", "conmon", "nsenter", "unshare", "docker-compose", "debootstrap",
        "curl", "mvn", "iptables")) {
      if (!onPath(tool)) missing.add(tool);
    }
    if (!Files.isExecutable(Path.of("/usr/lib/podman/netavark"))) missing.add("netavark");
    if (missing.isEmpty()) return;
    String why = "compose lab test needs " + String.join(", ", missing) + " (bin/setup --test installs them)";
    if ("true".equals(System.getenv("CI"))) throw new AssertionError(why + " (CI=true: it must run)");
    throw new TestAbortedException(why);
  }

  /**
   * Creates the namespace and its bridge, starts the engine in it and builds the local images into its storage.
   *
   * @param label the namespace's label ({@code pxb-<label>-<random>}, at most 15 characters in all)
   * @param project the compose project name
   * @param work where the logs go (emptied first)
   * @param override a compose override file's text, or null
   * @param env variables for docker-compose's interpolation (PXEBUS_DHCP_MODE, …)
   */
  public static ComposeLab start(String label, String project, Path work, String override, Map<String, String> env)
      throws IOException {
    deleteTree(work);
    Files.createDirectories(work);
    Netns ns = Netns.create(label);
    ComposeLab lab;
    try {
      lab = new ComposeLab(ns, project, work, Files.createTempDirectory("pxb-engine-"));
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(lab.hook);
    try {
      lab.env.putAll(env);
      lab.composeFiles.add(COMPOSE_FILE.toString());
      if (override != null) {
        Path o = Files.writeString(work.resolve("compose.override.yml"), override);
        lab.composeFiles.add(o.toString());
      }
      lab.ip("link", "add", BRIDGE, "type", "bridge");
      lab.ip("addr", "add", SERVER_IP + "/24", "dev", BRIDGE);
      lab.ip("link", "set", BRIDGE, "up");
      lab.startEngine();
      lab.buildImages();
      return lab;
    } catch (IOException | RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  private void startEngine() throws IOException {
    long t0 = System.nanoTime();
    engine = new ProcessBuilder(ENGINE.toString(), "--netns", ns.name(), engineDir.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("engine.log").toFile()).start();
    Await.until(Duration.ofSeconds(60), () -> {
      if (!engine.isAlive()) throw new AssertionError("the engine exited " + engine.exitValue() + ":\n" + engineLog());
      try {
        return "OK".equals(request("GET", "/_ping").body());
      } catch (IOException e) {
        return false;
      }
    }, () -> "podman's API on " + socket() + ":\n" + engineLog());
    note("engine: podman API in " + ns.name() + " answered in " + ms(t0) + " ms");
  }

  private void buildImages() {
    long t0 = System.nanoTime();
    imagesEnv = work.resolve("images.env");
    List<String> cmd = List.of(ENGINE.toString(), "--exec", engineDir.toString(), ROOT.resolve("bin/local-images").toString());
    Result r = run(cmd, IMAGES, Map.of(), work.resolve("local-images.log"));
    if (r.exitCode() != 0) throw new AssertionError("bin/local-images exited " + r.exitCode() + ":\n" + r.output());
    try {
      // stdout is the env file; the log holds stderr only.
      Files.writeString(imagesEnv, r.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    note("images: bin/local-images in " + ms(t0) + " ms: " + r.output().strip().replace('\n', ' '));
  }

  public Netns netns() {
    return ns;
  }

  public String project() {
    return project;
  }

  public Path work() {
    return work;
  }

  /** What this lab did and how long it took, for the test's report. */
  public List<String> notes() {
    return List.copyOf(log);
  }

  public void note(String line) {
    log.add(line);
  }

  /** {@code docker-compose -p PROJECT -f docker-compose.yml [-f override] --env-file IMAGES ARGS…}. */
  public Result compose(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker-compose", "--no-ansi", "-p", project));
    composeFiles.forEach(f -> cmd.addAll(List.of("-f", f)));
    cmd.addAll(List.of("--env-file", imagesEnv.toString()));
    cmd.addAll(Arrays.asList(args));
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put("DOCKER_HOST", "unix://" + socket());
    e.put("COMPOSE_HTTP_TIMEOUT", "300");
    return run(cmd, timeout, e, null);
  }

  /** Runs a command inside the namespace ({@code ip netns exec}). */
  public Netns.Result inside(Duration timeout, String... command) {
    return ns.exec(timeout, command);
  }

  /** The containers of this project: name to the service it runs, its state, and its health (or "none"). */
  public Map<String, Container> containers() {
    Map<String, Container> out = new TreeMap<>();
    String filter = "{\"label\":[\"com.docker.compose.project=" + project + "\"]}";
    for (JsonNode c : get("/containers/json?all=true&filters=" + URLEncoder.encode(filter, StandardCharsets.UTF_8))) {
      String id = c.path("Id").asText();
      JsonNode inspect = get("/containers/" + id + "/json");
      String name = inspect.path("Name").asText().replaceFirst("^/", "");
      JsonNode state = inspect.path("State");
      String health = state.path("Health").path("Status").asText("");
      out.put(name, new Container(name, c.path("Labels").path("com.docker.compose.service").asText(),
          state.path("Status").asText(), health.isEmpty() ? "none" : health));
    }
    return out;
  }

  /** One container as the engine sees it. */
  public record Container(String name, String service, String state, String health) {
    @Override
    public String toString() {
      return name + " " + state + "/" + health;
    }
  }

  /** Waits until {@code expected} containers of the project run and every one with a healthcheck is healthy. */
  public Map<String, Container> awaitHealthy(Duration deadline, int expected) {
    long t0 = System.nanoTime();
    AtomicReference<Map<String, Container>> seen = new AtomicReference<>(Map.of());
    Await.until(deadline, () -> {
      seen.set(containers());
      return seen.get().size() == expected && seen.get().values().stream()
          .allMatch(c -> c.state().equals("running") && (c.health().equals("healthy") || c.health().equals("none")));
    }, () -> expected + " running and healthy containers; seen " + seen.get().values() + "\n" + logs(80));
    note("healthy: " + seen.get().values() + " after " + ms(t0) + " ms");
    return seen.get();
  }

  /** The last lines of every service's log, for failure messages. */
  public String logs(int tail) {
    return compose(Duration.ofSeconds(60), "logs", "--no-color", "--tail=" + tail).output();
  }

  /** GET on the engine's Docker-compatible API. */
  public JsonNode get(String path) {
    try {
      Response r = request("GET", API + path);
      if (r.status() != 200) throw new AssertionError("GET " + path + ": " + r.status() + " " + r.body());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " on " + socket(), e);
    }
  }

  private record Response(int status, String body) {}

  /** One HTTP/1.0 request over the API's Unix socket (the response ends when the service closes). */
  private Response request(String method, String path) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket()));
      ch.write(ByteBuffer.wrap((method + " " + path + " HTTP/1.0\r\nHost: engine\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(65536);
      while (ch.read(buf) >= 0) {
        buf.flip();
        out.write(buf.array(), 0, buf.limit());
        buf.clear();
      }
      String text = out.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      if (split < 0) throw new IOException("no HTTP response: " + text);
      String[] status = text.substring(0, text.indexOf("\r\n")).split(" ");
      return new Response(Integer.parseInt(status[1]), text.substring(split + 4));
    }
  }

  private Path socket() {
    return engineDir.resolve("podman.sock");
  }

  private String engineLog() {
    try {
      return Files.readString(work.resolve("engine.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * {@code down -v}, then the engine is killed (SIGKILL to its unshare: the engine's PID 1 and with it every process
   * of its PID namespace die), its directory and podman's empty cgroups go, and the namespace is deleted.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    }
    List<String> problems = new ArrayList<>();
    if (engine != null && engine.isAlive() && imagesEnv != null && Files.exists(imagesEnv)) {
      Result down = compose(Duration.ofSeconds(180), "down", "-v", "--remove-orphans", "--timeout", "10");
      if (down.exitCode() != 0) problems.add("down -v: " + down.output());
    }
    if (engine != null) {
      engine.destroyForcibly();
      try {
        engine.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // The engine's PID 1 may take a moment to go after its unshare: --clean refuses while it runs.
    Result[] clean = {null};
    try {
      Await.until(Duration.ofSeconds(30), () -> {
        clean[0] = run(List.of(ENGINE.toString(), "--clean", engineDir.toString()), Duration.ofSeconds(60), Map.of(),
            null);
        return clean[0].exitCode() == 0;
      }, "engine --clean");
    } catch (AssertionError notClean) {
      problems.add("engine --clean: " + (clean[0] == null ? notClean.getMessage() : clean[0].output()));
    }
    try {
      ns.close();
    } catch (RuntimeException e) {
      problems.add(e.toString());
    }
    try {
      Files.write(work.resolve("lab-notes.txt"), log);
    } catch (IOException ignored) {
      // the work directory is gone: nothing to keep
    }
    if (!problems.isEmpty()) throw new IllegalStateException("compose lab cleanup: " + problems);
  }

  private void ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    ns.exec(CMD, cmd.toArray(String[]::new)).assertOk();
  }

  /** Runs a host command (the test's own namespace); stdout and stderr merged unless {@code stderrLog} is given. */
  private static Result run(List<String> cmd, Duration timeout, Map<String, String> extraEnv, Path stderrLog) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
      // The caller's compose and engine settings stay out; bin/local-images' own (cache, mirror) pass.
      pb.environment().keySet().removeIf(k -> (k.startsWith("PXEBUS_") && !KEPT.contains(k))
          || k.startsWith("COMPOSE_") || k.equals("DOCKER_HOST") || k.startsWith("CONTAINERS_"));
      pb.environment().putAll(extraEnv);
      if (stderrLog != null) pb.redirectError(stderrLog.toFile());
      else pb.redirectErrorStream(true);
      Process p = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try {
          p.getInputStream().transferTo(out);
        } catch (IOException ignored) {
          // the process died: what was read is kept
        }
      });
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
        return new Result(cmd, -1, out.toString(StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")");
      }
      reader.join(10000);
      return new Result(cmd, p.exitValue(), out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(cmd, -1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(cmd, -1, "interrupted");
    }
  }

  private static boolean onPath(String tool) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
    return Stream.of((path + ":/usr/sbin:/sbin").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) Files.delete(p);
    }
  }

  public static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
