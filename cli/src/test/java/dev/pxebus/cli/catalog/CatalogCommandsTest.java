package dev.pxebus.cli.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pxebus.catalog.CatalogApp;
import dev.pxebus.catalog.CatalogConfig;
import dev.pxebus.cli.Pxebus;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventType;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.runtime.Settings;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.PublisherOptions;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code pxebus} catalog commands against a real catalog-service (in this JVM, on free ports, with a write and a
 * read token) on the shared test broker. Ids carry a per-run suffix: the catalog topics outlive a test class.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CatalogCommandsTest {
  private static final String TOKEN = "cli-test-write-token";
  private static final String READ_TOKEN = "cli-test-read-token";
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  private static CatalogApp app;
  private static String url;

  @TempDir
  static Path data;

  @BeforeAll
  static void start(KafkaEndpoint kafka) throws Exception {
    Map<String, String> s = new HashMap<>();
    s.put("kafka.bootstrap", kafka.bootstrapServers());
    s.put("admin.host", "127.0.0.1");
    s.put("admin.port", "0");
    s.put(CatalogConfig.HTTP_HOST, "127.0.0.1");
    s.put(CatalogConfig.HTTP_PORT, "0");
    s.put(CatalogConfig.DATA_DIR, data.resolve("catalog").toString());
    s.put(CatalogConfig.TOKEN, TOKEN);
    s.put(CatalogConfig.READ_TOKENS, READ_TOKEN);
    s.put("instance.id", "cli-test-" + RUN);
    app = CatalogApp.start(CatalogConfig.from(Settings.of(CatalogConfig.keys(), s)))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Await.until(DEADLINE, () -> app.store().isReady(), "the catalog loads from Kafka");
    url = app.apiUrl();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** What one {@code pxebus} invocation did. */
  record Run(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    JsonNode json() throws Exception {
      return CatalogClient.MAPPER.readTree(out);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs {@code pxebus args…} as a user would, with the catalog's URL and the write token. */
  private static Run pxebus(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--catalog", url, "--token", TOKEN));
    return raw(all.toArray(String[]::new));
  }

  /** Runs {@code pxebus args…} exactly as given. */
  private static Run raw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Pxebus());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Run ok(String... args) {
    Run r = pxebus(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
    return r;
  }

  /** A failure: the exit code, and exactly one line on stderr, returned. */
  private static String fails(int exit, Run r) {
    assertEquals(exit, r.exit(), r::toString);
    assertEquals("", r.out(), r::toString);
    List<String> lines = r.err().lines().toList();
    assertEquals(1, lines.size(), () -> "one line on stderr: " + r);
    return lines.get(0);
  }

  private static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("02:c1:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** A directory of boot files: kernel, two initrds, and things import must skip. */
  private static Path bootDir(Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("netboot"));
    Files.write(dir.resolve("vmlinuz"), ("fake kernel " + RUN).getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("initrd.img"), ("fake initrd " + RUN).getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("firmware.cpio.gz"), ("fake firmware " + RUN).getBytes(StandardCharsets.UTF_8));
    Files.createDirectory(dir.resolve("pxelinux.cfg"));
    Files.write(tmp.resolve("secret"), "not for the catalog".getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(dir.resolve("escape"), tmp.resolve("secret"));
    return dir;
  }

  @Test
  void importUploadsTheFilesAndAddsTheImage(@TempDir Path tmp) throws Exception {
    Path dir = bootDir(tmp);
    String id = "imp-" + RUN;
    Run r = ok("images", "import", dir.toString(), "--id", id, "--arch", "amd64", "--cmdline", "console=ttyS0",
        "--label", "os=fake");

    byte[] kernel = Files.readAllBytes(dir.resolve("vmlinuz"));
    byte[] initrd = Files.readAllBytes(dir.resolve("initrd.img"));
    byte[] firmware = Files.readAllBytes(dir.resolve("firmware.cpio.gz"));
    List<String> out = r.outLines();
    assertEquals(List.of(
        "firmware.cpio.gz  " + sha256(firmware) + "  " + firmware.length,
        "initrd.img        " + sha256(initrd) + "  " + initrd.length,
        "vmlinuz           " + sha256(kernel) + "  " + kernel.length), out.subList(0, 3), r::toString);
    assertTrue(out.get(3).matches("added image " + id + " \\(revision \\d+\\): kernel vmlinuz, initrds "
        + "firmware.cpio.gz initrd.img"), r::toString);
    assertEquals(List.of(
        "pxebus: skipped escape: symbolic link out of the directory, to " + tmp.toRealPath().resolve("secret"),
        "pxebus: skipped pxelinux.cfg: directory (only the files of DIR itself are imported)"), r.err().lines().toList());

    JsonNode image = ok("images", "show", id, "--json").json();
    assertEquals("x86_64", image.path("arch").asText(), "the service normalises the alias: " + image);
    assertEquals(sha256(kernel), image.path("kernel").path("sha256").asText());
    assertEquals("firmware.cpio.gz", image.path("initrds").path(0).path("name").asText());
    assertEquals("initrd.img", image.path("initrds").path(1).path("name").asText());
    assertEquals("console=ttyS0", image.path("cmdline").asText());
    assertEquals("fake", image.path("labels").path("os").asText());
  }

  @Test
  void importWithoutADecidableKernelUploadsNothing(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("two"));
    Files.write(dir.resolve("vmlinuz-6.1"), new byte[] {1});
    Files.write(dir.resolve("vmlinuz-6.6"), new byte[] {2});
    String line = fails(ExitCodes.USAGE, pxebus("images", "import", dir.toString(), "--id", "x-" + RUN, "--arch", "arm64"));
    assertEquals("pxebus: 2 files could be the kernel [vmlinuz-6.1, vmlinuz-6.6]: pick one with --kernel", line);
  }

  @Test
  void imagesAddListShowUpdateDelete(@TempDir Path tmp) throws Exception {
    Path dir = bootDir(tmp);
    Run uploaded = ok("images", "import", dir.toString());
    assertEquals(3, uploaded.outLines().size(), uploaded::toString);
    String[] kernel = uploaded.outLines().get(2).split("\\s+");
    String id = "img-" + RUN;

    Run added = ok("images", "add", id, "--arch", "x86_64", "--version", "1.0", "--name", "Test image",
        "--kernel", kernel[0] + ":" + kernel[1] + ":" + kernel[2], "--label", "tier=test");
    assertTrue(added.out().matches("added image " + id + " \\(revision \\d+\\)\\R"), added::toString);

    Run list = ok("images", "list", "--label", "tier=test");
    List<String> rows = list.outLines();
    assertTrue(rows.get(0).matches("ID\\s+ARCH\\s+VERSION\\s+KERNEL\\s+INITRDS\\s+LABELS\\s+NAME"), list::toString);
    assertTrue(rows.stream().anyMatch(l -> l.matches(id + "\\s+x86_64\\s+1\\.0\\s+vmlinuz\\s+-\\s+tier=test\\s+Test image")),
        list::toString);
    JsonNode listed = ok("images", "list", "--arch", "x86_64", "--json").json();
    assertTrue(listed.path("items").findValuesAsText("id").contains(id), listed::toString);
    assertEquals(listed.path("items").size(), listed.path("count").asInt());

    List<String> show = ok("images", "show", id).outLines();
    assertTrue(show.stream().anyMatch(l -> l.matches("id:\\s+" + id)), show::toString);
    assertTrue(show.stream().anyMatch(l -> l.matches("kernel\\.sha256:\\s+" + kernel[1])), show::toString);

    Run updated = ok("images", "update", id, "--cmdline", "quiet", "--unlabel", "tier", "--label", "tier2=x");
    assertTrue(updated.out().startsWith("updated image " + id + " (revision "), updated::toString);
    JsonNode after = ok("images", "show", id, "--json").json();
    assertEquals("quiet", after.path("cmdline").asText());
    assertEquals("{\"tier2\":\"x\"}", after.path("labels").toString());
    assertEquals("Test image", after.path("name").asText(), "fields not named stay");

    // --file: the document as show --json printed it (read-only fields included), edited
    Path file = tmp.resolve("image.json");
    Files.writeString(file, after.toString().replace("\"quiet\"", "\"quiet splash\""));
    ok("images", "update", id, "--file", file.toString());
    assertEquals("quiet splash", ok("images", "show", id, "--json").json().path("cmdline").asText());

    Path copy = tmp.resolve("copy.json");
    Files.writeString(copy, after.toString().replace("\"" + id + "\"", "\"" + id + "-copy\""));
    assertTrue(ok("images", "add", "--file", copy.toString()).out().startsWith("added image " + id + "-copy "));

    assertEquals("deleted image " + id + "-copy\n", ok("images", "delete", id + "-copy").out().replace("\r", ""));
    assertEquals("deleted image " + id + "\n", ok("images", "delete", id).out().replace("\r", ""));
    assertEquals("pxebus: 404 Not Found: no image " + id, fails(ExitCodes.NOT_FOUND, pxebus("images", "show", id)));
  }

  /** An image with a stored kernel, for the profiles to boot. */
  private static String image(Path tmp, String id) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("img-" + id));
    Files.write(dir.resolve("linux"), ("kernel of " + id).getBytes(StandardCharsets.UTF_8));
    ok("images", "import", dir.toString(), "--id", id, "--arch", "x86_64");
    return id;
  }

  @Test
  void profilesAddListShowUpdateDelete(@TempDir Path tmp) throws Exception {
    String image = image(tmp, "pimg-" + RUN);
    String id = "prof-" + RUN;
    assertTrue(ok("profiles", "add", id, "--image", image, "--menu-label", "Install it", "--cmdline", "auto=true")
        .out().startsWith("added profile " + id + " (revision "));
    List<String> rows = ok("profiles", "list", "--image", image).outLines();
    assertEquals(2, rows.size(), rows::toString);
    assertTrue(rows.get(0).matches("ID\\s+IMAGE\\s+MENU LABEL\\s+CMDLINE"), rows::toString);
    assertTrue(rows.get(1).matches(id + "\\s+" + image + "\\s+Install it\\s+auto=true"), rows::toString);
    assertTrue(ok("profiles", "show", id).outLines().contains("menuLabel: Install it"));

    ok("profiles", "update", id, "--cmdline", "");
    JsonNode p = ok("profiles", "show", id, "--json").json();
    assertTrue(p.path("cmdline").isMissingNode() || p.path("cmdline").asText().isEmpty(), "an empty value removes: " + p);
    assertEquals("Install it", p.path("menuLabel").asText());

    ok("profiles", "delete", id);
    assertEquals("no profiles", ok("profiles", "list", "--image", image).out().strip());
  }

  @Test
  void hostsAddListShowUpdateDeleteAndPaging(@TempDir Path tmp) throws Exception {
    String image = image(tmp, "himg-" + RUN);
    String profile = "hprof-" + RUN;
    ok("profiles", "add", profile, "--image", image);
    String batch = "b" + RUN;
    List<String> macs = new ArrayList<>();
    for (int i = 0; i < 3; i++) macs.add(randomMac());
    macs.sort(String::compareTo);
    String dashed = macs.get(0).replace(':', '-').toUpperCase();
    assertTrue(ok("hosts", "add", dashed, "--hostname", "node0", "--profile", profile, "--label", "batch=" + batch,
        "--reserved-ip", "10.9.0.10", "--boot-once").out().startsWith("added host " + macs.get(0) + " (revision "),
        "the service answers with the canonical MAC");
    ok("hosts", "add", macs.get(1), "--hostname", "node1", "--label", "batch=" + batch);
    ok("hosts", "add", macs.get(2), "--hostname", "node2", "--label", "batch=" + batch);

    List<String> all = ok("hosts", "list", "--label", "batch=" + batch, "--page-size", "1").outLines();
    assertEquals(4, all.size(), () -> "header and 3 hosts, fetched a page at a time: " + all);
    assertTrue(all.get(1).matches(macs.get(0) + "\\s+node0\\s+" + profile + "\\s+10\\.9\\.0\\.10\\s+yes\\s+batch=" + batch),
        all::toString);
    assertTrue(all.get(2).matches(macs.get(1) + "\\s+node1\\s+-\\s+-\\s+-\\s+batch=" + batch), all::toString);

    Run page = ok("hosts", "list", "--label", "batch=" + batch, "--limit", "2");
    assertEquals(3, page.outLines().size(), page::toString);
    assertEquals("pxebus: 2 of 3 hosts shown; the next page: --after " + macs.get(1) + "\n", page.err().replace("\r", ""));
    Run rest = ok("hosts", "list", "--label", "batch=" + batch, "--limit", "2", "--after", macs.get(1));
    assertEquals(2, rest.outLines().size(), rest::toString);
    assertEquals("", rest.err());

    assertEquals(List.of(macs.get(0)), jsonKeys(ok("hosts", "list", "--profile", profile, "--json").json(), "mac"));
    List<String> onceOnly = jsonKeys(ok("hosts", "list", "--label", "batch=" + batch, "--boot-once", "--json").json(), "mac");
    assertEquals(List.of(macs.get(0)), onceOnly);

    List<String> show = ok("hosts", "show", dashed).outLines();
    assertTrue(show.stream().anyMatch(l -> l.matches("hostname:\\s+node0")), show::toString);

    ok("hosts", "update", macs.get(0), "--boot-once=false", "--unlabel", "batch", "--hostname", "renamed");
    JsonNode h = ok("hosts", "show", macs.get(0), "--json").json();
    assertEquals("renamed", h.path("hostname").asText());
    assertEquals(false, h.path("bootOnce").asBoolean(false));
    assertTrue(h.path("labels").isMissingNode() || h.path("labels").isEmpty(), h::toString);
    assertEquals(profile, h.path("profile").asText(), "untouched fields stay");

    for (String m : macs) ok("hosts", "delete", m);
    assertEquals("no hosts", ok("hosts", "list", "--label", "batch=" + batch).out().strip());
  }

  private static List<String> jsonKeys(JsonNode list, String field) {
    List<String> keys = new ArrayList<>();
    list.path("items").forEach(i -> keys.add(i.path(field).asText()));
    return keys;
  }

  @Test
  void groupsAddListShowUpdateDelete(@TempDir Path tmp) throws Exception {
    String image = image(tmp, "gimg-" + RUN);
    String profile = "gprof-" + RUN;
    ok("profiles", "add", profile, "--image", image);
    String id = "grp-" + RUN;
    ok("groups", "add", id, "--profile", profile, "--name", "Rack A", "--selector", "arch=efi-x86_64",
        "--selector", "label.rack=a1");
    List<String> rows = ok("groups", "list", "--profile", profile).outLines();
    assertEquals(2, rows.size(), rows::toString);
    assertTrue(rows.get(1).matches(id + "\\s+" + profile + "\\s+arch=efi-x86_64,label\\.rack=a1\\s+Rack A"), rows::toString);
    assertTrue(ok("groups", "show", id).outLines().contains("selector.label.rack: a1"));

    ok("groups", "update", id, "--unselect", "label.rack", "--selector", "label.rack=b2");
    JsonNode g = ok("groups", "show", id, "--json").json();
    assertEquals("{\"arch\":\"efi-x86_64\",\"label.rack\":\"b2\"}", g.path("selector").toString());
    ok("groups", "delete", id);
  }

  @Test
  void aStaleRevisionIsRefusedWithTheServicesReason(@TempDir Path tmp) throws Exception {
    String mac = randomMac();
    ok("hosts", "add", mac, "--hostname", "first");
    long read = ok("hosts", "show", mac, "--json").json().path("revision").asLong();
    ok("hosts", "update", mac, "--hostname", "second"); // someone else's change
    String line = fails(ExitCodes.REFUSED, pxebus("hosts", "update", mac, "--hostname", "third",
        "--if-revision", Long.toString(read)));
    assertTrue(line.startsWith("pxebus: 412 Precondition Failed: "), line);
    assertEquals("second", ok("hosts", "show", mac, "--json").json().path("hostname").asText(), "nothing overwritten");
    line = fails(ExitCodes.REFUSED, pxebus("hosts", "delete", mac, "--if-revision", Long.toString(read)));
    assertTrue(line.startsWith("pxebus: 412 Precondition Failed: "), line);
    ok("hosts", "delete", mac);
  }

  @Test
  void addingWhatExistsIsAConflict() {
    String mac = randomMac();
    ok("hosts", "add", mac);
    String line = fails(ExitCodes.REFUSED, pxebus("hosts", "add", mac, "--hostname", "again"));
    assertTrue(line.startsWith("pxebus: 409 Conflict: "), line);
    ok("hosts", "delete", mac);
  }

  @Test
  void anInvalidDocumentGivesEveryFieldErrorOnOneLine() {
    String line = fails(ExitCodes.REFUSED, pxebus("images", "add", "bad-" + RUN, "--arch", "sparc64",
        "--kernel", "vmlinuz:not-a-hash:12", "--cmdline", "tab\there"));
    assertTrue(line.startsWith("pxebus: 400 Invalid Request: "), line);
    assertTrue(line.contains("kernel.sha256: "), line);
    assertTrue(line.contains("; arch: ") || line.contains("arch: "), line);
    assertTrue(line.contains("; "), () -> "several errors joined: " + line);
  }

  @Test
  void writesWithoutATokenAreUnauthorised() {
    String line = fails(ExitCodes.REFUSED, raw("hosts", "add", randomMac(), "--catalog", url));
    assertTrue(line.startsWith("pxebus: 401 Unauthorized"), line);
    line = fails(ExitCodes.REFUSED, raw("hosts", "add", randomMac(), "--catalog", url, "--token", "wrong"));
    assertTrue(line.startsWith("pxebus: 401 Unauthorized"), line);
    line = fails(ExitCodes.REFUSED, raw("hosts", "add", randomMac(), "--catalog", url, "--token", READ_TOKEN));
    assertTrue(line.startsWith("pxebus: 403 Forbidden"), line);
  }

  @Test
  void theTokenCanComeFromAFile(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("token");
    Files.writeString(file, TOKEN + "\n");
    String mac = randomMac();
    assertEquals(0, raw("hosts", "add", mac, "--catalog", url, "--token-file", file.toString()).exit());
    assertEquals(0, raw("hosts", "delete", mac, "--catalog", url, "--token-file", file.toString()).exit());
    assertEquals("pxebus: cannot read --token-file " + tmp.resolve("none") + ": no such file",
        fails(ExitCodes.USAGE, raw("hosts", "list", "--catalog", url, "--token-file", tmp.resolve("none").toString())));
  }

  @Test
  void anUnreachableServiceIsExitCodeThree() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String dead = "http://127.0.0.1:" + port;
    assertEquals("pxebus: cannot reach catalog-service at " + dead + ": connection refused",
        fails(ExitCodes.UNREACHABLE, raw("images", "list", "--catalog", dead + "/")));
    assertEquals("pxebus: cannot reach catalog-service at http://no-such-host.invalid:8070: unknown host no-such-host.invalid",
        fails(ExitCodes.UNREACHABLE, raw("hosts", "show", "52:54:00:00:00:01", "--catalog", "http://no-such-host.invalid:8070")));
  }

  @Test
  void usageErrorsAreExitCodeTwoAndSendNothing() {
    // The dead URL shows that nothing was sent: an attempt would be exit code 3.
    String dead = "http://127.0.0.1:1";
    assertEquals("pxebus: --label wants key=value, not 'rack'",
        fails(ExitCodes.USAGE, raw("hosts", "list", "--label", "rack", "--catalog", dead)));
    assertEquals("pxebus: --kernel wants NAME:SHA256:SIZE (as `images import` prints), not 'vmlinuz'",
        fails(ExitCodes.USAGE, raw("images", "add", "x", "--kernel", "vmlinuz", "--arch", "x86_64", "--catalog", dead)));
    assertEquals("pxebus: --catalog: want an http:// or https:// URL, not 'ftp://x'",
        fails(ExitCodes.USAGE, raw("images", "list", "--catalog", "ftp://x")));
    assertEquals(2, raw("images", "list", "--limit", "many").exit(), "picocli's own usage error");
  }

  @Test
  void timelineShowsTheMachinesBootAttempts(KafkaEndpoint kafka) throws Exception {
    String mac = randomMac();
    assertEquals(mac + ": no boot attempts", ok("hosts", "timeline", mac).out().strip());
    String attempt = UUID.randomUUID().toString();
    Instant t0 = Instant.parse("2026-12-01T09:00:00.100Z");
    try (EventPublisher publisher = EventPublisher.start(PublisherOptions.builder(kafka.bootstrapServers())
        .clientId("cli-timeline-test").source("/pxebus/test/cli").build(), new SimpleMeterRegistry())) {
      publisher.publish(step(mac, BootStage.DHCP_DISCOVER, attempt, t0));
      publisher.publish(step(mac, BootStage.PROXY_OFFER, attempt, t0.plusMillis(20)));
      assertTrue(publisher.flush(DEADLINE), () -> "not published: " + publisher.stats());
    }
    List<String> lines = Await.value(DEADLINE, () -> {
      Run r = pxebus("hosts", "timeline", mac);
      return r.exit() == 0 && r.out().contains("PROXY_OFFER") ? java.util.Optional.of(r.outLines())
          : java.util.Optional.empty();
    }, "the timeline of " + mac + " to show both steps");
    assertEquals(mac + ": 1 boot attempt", lines.get(0));
    assertTrue(lines.get(1).startsWith("attempt " + attempt + "  started 2026-12-01T09:00:00.100Z  ended "
        + "2026-12-01T09:00:00.120Z  outcome "), lines::toString);
    assertTrue(lines.get(2).startsWith("  2026-12-01T09:00:00.100Z  DHCP_DISCOVER  /pxebus/test/cli"), lines::toString);
    assertTrue(lines.get(3).startsWith("  2026-12-01T09:00:00.120Z  PROXY_OFFER    /pxebus/test/cli"), lines::toString);
    assertTrue(lines.get(2).contains(" xid="), lines::toString);
    JsonNode json = ok("hosts", "timeline", mac, "--json").json();
    assertEquals(attempt, json.path("attempts").path(0).path("bootAttemptId").asText());
  }

  private static Envelope<DhcpStepEvent> step(String mac, BootStage stage, String attempt, Instant time) {
    DhcpStepEvent e = new DhcpStepEvent(mac, stage, 7, null, null, "10.0.0.1", null, "PXEClient:Arch:00007:UNDI:003016",
        7, null, null, null, null, null);
    return new Envelope<>(UUID.randomUUID().toString(), "/pxebus/test/cli", EventType.of(e), time, mac, attempt,
        Envelope.SCHEMA_VERSION, e);
  }
}
