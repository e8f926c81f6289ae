package dev.pxebus.catalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventType;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/api.md cannot drift from the API: every example in it is replayed, in the order of the page, against a real
 * catalog-service on the test broker, and must get the response the page shows.
 *
 * <p>An example is a fenced {@code http} block holding a request ({@code GET /images/doc-debian-12 HTTP/1.1},
 * headers, a blank line, the body) followed by one holding the response ({@code HTTP/1.1 200 OK}, headers, body).
 * The request is sent as written, over a plain socket (so that headers such as {@code Content-Length} are the
 * page's), with {@code Host} and {@code Connection: close} added, a {@code Content-Length} computed when the page
 * gives none, and {@code $PXEBUS_TOKEN} / {@code $PXEBUS_READ_TOKEN} replaced by the server's tokens. The
 * response must have the status line shown, every header shown (others are not checked) and the body shown: JSON
 * compared as JSON (same fields, same values), anything else as text. The page's conventions, which the test
 * implements:
 *
 * <ul>
 *   <li>{@code "…"} (a JSON string) or {@code …} (a header value) stands for any value: used for timestamps;
 *   <li>a text body whose last line is {@code …} shows only the beginning of the actual body;
 *   <li>revisions (the {@code revision} fields, numeric ETags, {@code If-Match}/{@code If-None-Match} numbers and
 *       the numbers quoted in the detail of a 409 or 412) are the page's plus one offset, the same for the whole
 *       page: the broker is shared, so the catalog-wide revision the examples start at depends on the tests that
 *       ran before; that each write takes the next revision, and a write of nothing none, is checked;
 *   <li>{@code GET /blobs} lists the blobs in no particular order: its items are compared sorted by sha256.
 * </ul>
 *
 * Before the replay the test deletes what an aborted earlier run may have left (entities whose id starts with
 * {@value #PREFIX}, hosts whose MAC starts with {@value #MAC_PREFIX}), stores the blobs the page uploads (its
 * images reference them before the blob section is reached), and publishes the boot of
 * {@value #MAC} that the host and timeline examples show. After it, it deletes what the page created. Every
 * operation of the contract must have a section ({@code `METHOD /path` (operation `id`)}) with at least one example
 * of that method and path.
 *
 * <p>With {@code -Dapidoc.actual=FILE} the actual exchanges are written to FILE in the page's format (revisions
 * shifted back by the offset), to update the page after a change of the API.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDocTest {
  private static final Path DOC = Path.of("..", "docs", "api.md");
  static final String PREFIX = "doc-";
  static final String MAC_PREFIX = "52:54:00:d0:c0:";
  static final String MAC = "52:54:00:d0:c0:01";
  private static final String ANY = "…";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REQUEST_LINE = Pattern.compile("^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) (\\S+) HTTP/1\\.1$");
  private static final Pattern OPERATION = Pattern.compile("^`(GET|HEAD|POST|PUT|DELETE) ([^`]+)` \\(operation `(\\w+)`\\)$");
  private static final Pattern REVISION_TAG = Pattern.compile("^(W/)?\"(\\d+)\"$");

  @TempDir
  static Path dir;
  private CatalogServer server;
  private List<Example> examples;
  private String doc;
  /** Actual revision minus the page's; null until the first revision is compared. */
  private Long offset;

  /** A message of the page: its first line, headers in order, body (lines joined by \n). */
  record Message(String startLine, List<String[]> headers, String body) {
    String header(String name) {
      for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
      return null;
    }
  }

  /** A request and the response the page shows for it, with where it is. */
  record Example(int line, String section, Message request, Message response) {
    String method() {
      return request.startLine().split(" ")[0];
    }

    String target() {
      return request.startLine().split(" ")[1];
    }

    String where() {
      return DOC + ":" + line + " (" + section + ") " + method() + " " + target();
    }
  }

  @BeforeAll
  void start(KafkaEndpoint kafka) throws IOException {
    doc = Files.readString(DOC, StandardCharsets.UTF_8);
    examples = parse(doc);
    server = CatalogServer.start(kafka, dir.resolve("data"), Map.of());
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  // ------------------------------------------------------------------------------------------------ the tests

  @Test
  void everyOperationOfTheContractHasASectionWithAnExample() throws IOException {
    Map<String, String> ops = operations();
    Map<String, String> documented = new LinkedHashMap<>();
    Map<String, Integer> sectionStart = new LinkedHashMap<>();
    String[] lines = doc.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = OPERATION.matcher(lines[i]);
      if (!m.matches()) continue;
      assertTrue(documented.put(m.group(3), m.group(1) + " " + m.group(2)) == null,
          "two sections for operation " + m.group(3));
      sectionStart.put(m.group(3), i + 1);
    }
    assertEquals(ops.keySet().stream().sorted().toList(), documented.keySet().stream().sorted().toList(),
        DOC + ": one section per operationId of the contract");
    for (var op : ops.entrySet()) {
      assertEquals(op.getValue(), documented.get(op.getKey()), DOC + ": method and path of " + op.getKey());
      String[] mp = op.getValue().split(" ");
      Pattern path = Pattern.compile(Pattern.quote(mp[1]).replaceAll("\\{[^}]+}", "\\\\E[^/?]+\\\\Q") + "(\\?.*)?");
      int from = sectionStart.get(op.getKey());
      int to = doc.length();
      for (int start : sectionStart.values()) if (start > from && start < to) to = start;
      int end = to;
      boolean example = examples.stream().anyMatch(e -> e.line() > from && e.line() < end
          && e.method().equals(mp[0]) && path.matcher(e.target()).matches());
      assertTrue(example, DOC + ": the section of " + op.getKey() + " (line " + from + ") has no example of "
          + op.getValue());
    }
  }

  @Test
  void everyExampleGetsTheResponseShown() throws Exception {
    assertTrue(examples.size() > 20, "examples parsed from " + DOC + ": " + examples.size());
    removeLeftovers();
    try {
      storeBlobs();
      publishTheBoot();
      List<String> failures = new ArrayList<>();
      StringBuilder actualDoc = new StringBuilder();
      for (Example e : examples) {
        Message actual = send(e);
        List<String> diffs = new ArrayList<>();
        compare(e, actual, diffs);
        if (offset == null && actual.header("ETag") != null && REVISION_TAG.matcher(actual.header("ETag")).matches()) {
          // The page shows no revision yet where the API gave one: take it as the page's first, revision 1.
          Matcher m = REVISION_TAG.matcher(actual.header("ETag"));
          m.matches();
          offset = Long.parseLong(m.group(2)) - 1;
        }
        String rendered = render(e, actual);
        actualDoc.append("<!-- line ").append(e.line()).append(": ").append(e.method()).append(' ')
            .append(e.target()).append(" -->\n```http\n").append(rendered).append("\n```\n\n");
        if (!diffs.isEmpty()) {
          failures.add(e.where() + ":\n  " + String.join("\n  ", diffs) + "\nactual:\n" + rendered);
        }
      }
      String out = System.getProperty("apidoc.actual");
      if (out != null && !out.isBlank()) Files.writeString(Path.of(out), actualDoc.toString(), StandardCharsets.UTF_8);
      assertTrue(failures.isEmpty(), failures.size() + " of " + examples.size() + " examples of " + DOC
          + " do not get the response shown:\n\n" + String.join("\n\n", failures));
    } finally {
      removeLeftovers();
    }
  }

  // ------------------------------------------------------------------------------------------------ the page

  /** The examples of the page, in order: request block, then response block. */
  static List<Example> parse(String doc) {
    List<Example> out = new ArrayList<>();
    String[] lines = doc.split("\n", -1);
    String section = "";
    Message pending = null;
    int pendingLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("#")) {
        section = line.replaceFirst("^#+\\s*", "");
        continue;
      }
      if (!line.equals("```http")) continue;
      int start = i + 1;
      List<String> block = new ArrayList<>();
      for (i = i + 1; i < lines.length && !lines[i].equals("```"); i++) block.add(lines[i]);
      assertTrue(i < lines.length, DOC + ":" + start + ": unterminated ```http block");
      Message m = message(block, start);
      if (REQUEST_LINE.matcher(m.startLine()).matches()) {
        assertTrue(pending == null, DOC + ":" + pendingLine + ": a request without a response block after it");
        pending = m;
        pendingLine = start;
      } else {
        assertTrue(m.startLine().startsWith("HTTP/1.1 "), DOC + ":" + start + ": neither a request line nor a "
            + "status line: " + m.startLine());
        assertTrue(pending != null, DOC + ":" + start + ": a response without a request block before it");
        out.add(new Example(pendingLine, section, pending, m));
        pending = null;
      }
    }
    assertTrue(pending == null, DOC + ":" + pendingLine + ": a request without a response block after it");
    return out;
  }

  private static Message message(List<String> block, int line) {
    assertTrue(!block.isEmpty(), DOC + ":" + line + ": empty ```http block");
    List<String[]> headers = new ArrayList<>();
    int i = 1;
    for (; i < block.size() && !block.get(i).isEmpty(); i++) {
      String h = block.get(i);
      int colon = h.indexOf(':');
      assertTrue(colon > 0, DOC + ":" + (line + i) + ": not a header: " + h);
      headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
    }
    String body = i < block.size() ? String.join("\n", block.subList(i + 1, block.size())) : "";
    return new Message(block.get(0), headers, body);
  }

  /** operationId → "METHOD /path", from the contract. */
  private static Map<String, String> operations() throws IOException {
    String yaml;
    try (InputStream in = ApiDocTest.class.getClassLoader().getResourceAsStream(CatalogApi.CONTRACT)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<?, ?> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<String, String> ops = new LinkedHashMap<>();
    for (var p : ((Map<?, ?>) root.get("paths")).entrySet()) {
      for (var m : ((Map<?, ?>) p.getValue()).entrySet()) {
        if (!(m.getValue() instanceof Map<?, ?> op) || op.get("operationId") == null) continue;
        ops.put((String) op.get("operationId"), m.getKey().toString().toUpperCase(Locale.ROOT) + " " + p.getKey());
      }
    }
    return ops;
  }

  // ------------------------------------------------------------------------------------------------ fixture

  /** Deletes the page's entities, dependents first, whatever state a run left them in. */
  private void removeLeftovers() {
    for (String kind : List.of("groups", "hosts", "profiles", "images")) {
      String key = kind.equals("hosts") ? "mac" : "id";
      CatalogServer.Response list = server.get("/" + kind + "?limit=10000");
      assertEquals(200, list.status(), list::toString);
      list.json().getJsonArray("items").forEach(o -> {
        String id = ((JsonObject) o).getString(key);
        if (!id.startsWith(kind.equals("hosts") ? MAC_PREFIX : PREFIX)) return;
        CatalogServer.Response r = server.send("DELETE", "/" + kind + "/" + id, null);
        assertEquals(204, r.status(), () -> "cleaning up " + kind + "/" + id + ": " + r);
      });
    }
  }

  /** Uploads what the page uploads with success, so that its images find their blobs. */
  private void storeBlobs() throws IOException {
    for (Example e : examples) {
      boolean upload = (e.method().equals("POST") && e.target().equals("/blobs"))
          || (e.method().equals("PUT") && e.target().startsWith("/blobs/"));
      if (upload && e.response().startLine().startsWith("HTTP/1.1 201")) {
        Message r = send(e);
        assertTrue(r.startLine().startsWith("HTTP/1.1 201"), () -> "storing the blob of " + e.where() + ": " + r);
      }
    }
  }

  private static final String DHCP = "/pxebus/dhcp-service/lab-1";
  private static final String TFTP = "/pxebus/tftp-service/tftp-1";
  private static final String MENU = "/pxebus/menu-service/lab-1";
  private static final String ATTEMPT = "5b0e6c1a-8f3d-4e27-9a41-2c7d9e0b6f13";
  private static final String UUID = "8d4e2f6a-1b3c-4a5d-9e7f-0c1b2a3d4e5f";
  private static final Instant T0 = Instant.parse("2025-05-06T08:15:30.123456Z");

  /**
   * The BIOS boot the host and timeline examples show: DHCP, pxelinux.0 over TFTP, the host's menu, the kernel over
   * HTTP; and its lease. Fixed envelope ids and times: published again, the timeline skips the duplicates.
   */
  private void publishTheBoot() throws Exception {
    EventPublisher publisher = server.app.host().publisher();
    long xid = 2_864_434_397L;
    String vc = "PXEClient:Arch:00000:UNDI:002001";
    String ip = "10.213.0.121";
    String srv = "10.213.0.1";
    List<Object[]> plan = List.of(
        new Object[] {0, DHCP, new DhcpStepEvent(MAC, BootStage.DHCP_DISCOVER, xid, null, null, srv, null, vc, 0,
            UUID, null, null, null, null)},
        new Object[] {14, DHCP, new DhcpStepEvent(MAC, BootStage.DHCP_OFFER, xid, null, ip, srv, null, vc, 0, UUID,
            null, "pxelinux.0", srv, null)},
        new Object[] {1_016, DHCP, new DhcpStepEvent(MAC, BootStage.DHCP_REQUEST, xid, ip, null, srv, null, vc, 0,
            UUID, null, null, null, null)},
        new Object[] {1_019, DHCP, new DhcpStepEvent(MAC, BootStage.DHCP_ACK, xid, null, ip, srv, null, vc, 0, UUID,
            null, "pxelinux.0", srv, null)},
        new Object[] {1_307, TFTP, new TftpTransferEvent(MAC, BootStage.TFTP_COMPLETED, ip, 2070, "tftp-1",
            "pxelinux.0", Map.of("blksize", "1468", "tsize", "42430"), 42_430, 187, 0, null, null)},
        new Object[] {1_862, MENU, new MenuRenderedEvent(MAC, BootStage.MENU_RENDERED, MenuFormat.PXELINUX,
            "/pxelinux.cfg/01-52-54-00-d0-c0-01", MenuSelection.HOST, "doc-debian-12-install", null, "0", UUID, 611)},
        new Object[] {6_807, TFTP, new HttpFileEvent(MAC, BootStage.HTTP_SERVED, ip, "tftp-1", "GET",
            "/images/doc-debian-12/vmlinuz", 200, 21, 3, null)});
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      BootStepEvent data = (BootStepEvent) plan.get(i)[2];
      Envelope<BootStepEvent> env = new Envelope<>(String.format("0d0c0000-0000-4000-8000-%012d", i + 1),
          (String) plan.get(i)[1], EventType.of(data), T0.plusMillis((Integer) plan.get(i)[0]), MAC, ATTEMPT,
          Envelope.SCHEMA_VERSION, data);
      sent.add(publisher.publishConfirmed(env).toCompletableFuture());
    }
    LeaseEvent lease = new LeaseEvent(MAC, "01:" + MAC, "10.213.0.121", LeaseState.BOUND, "10.213.0.0/24", "lab-vm",
        T0.plusMillis(1_019), T0.plusMillis(1_019).plus(Duration.ofHours(1)), "10.213.0.1");
    sent.add(publisher.publishConfirmed(Envelope.of(DHCP, lease)).toCompletableFuture());
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    Await.until(Duration.ofSeconds(60), () -> server.app.timelines().timeline(MAC, 10)
        .map(t -> t.getJsonArray("attempts").size() == 1
            && t.getJsonArray("attempts").getJsonObject(0).getJsonArray("steps").size() == plan.size())
        .orElse(false) && server.app.timelines().status(MAC).map(s -> s.getValue("lastLease") != null).orElse(false),
        () -> "the boot of " + MAC + " in its timeline: " + server.app.timelines().timeline(MAC, 10));
  }

  // ------------------------------------------------------------------------------------------------ HTTP

  /** Sends the example's request as the page writes it and reads the whole response. */
  private Message send(Example e) throws IOException {
    URI uri = URI.create(server.url);
    Message req = e.request();
    byte[] body = tokens(req.body()).getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(req.startLine()).append("\r\n");
    head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    for (String[] h : req.headers()) {
      String value = tokens(h[1]);
      if (h[0].equalsIgnoreCase("If-Match") || h[0].equalsIgnoreCase("If-None-Match")) value = shiftTags(value);
      head.append(h[0]).append(": ").append(value).append("\r\n");
    }
    if (req.header("Content-Length") == null && body.length > 0) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return response(read(s.getInputStream(), e.method().equals("HEAD")), e.method().equals("HEAD"));
    } catch (java.net.SocketTimeoutException x) {
      return new Message("(no response within 10 s)", List.of(), "");
    }
  }

  /**
   * The response's bytes: the head, then as many as Content-Length says, or none (HEAD, 1xx, 204, 304), or up to
   * the end of the stream (the request asked to close the connection).
   */
  private static byte[] read(InputStream in, boolean head) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    int headEnd = -1;
    byte[] chunk = new byte[8192];
    while (headEnd < 0) {
      int n = in.read(chunk);
      if (n < 0) return buf.toByteArray();
      buf.write(chunk, 0, n);
      headEnd = indexOf(buf.toByteArray(), end);
    }
    String headText = new String(buf.toByteArray(), 0, headEnd, StandardCharsets.ISO_8859_1);
    String status = headText.split("\r\n")[0];
    Matcher cl = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$").matcher(headText);
    boolean none = head || status.matches("HTTP/1\\.1 (1\\d\\d|204|304).*");
    long want = none ? 0 : cl.find() ? Long.parseLong(cl.group(1)) : Long.MAX_VALUE;
    while (buf.size() - headEnd - 4 < want) {
      int n = in.read(chunk);
      if (n < 0) break;
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }

  private static String tokens(String s) {
    return s.replace("$PXEBUS_READ_TOKEN", CatalogServer.READ_TOKEN).replace("$PXEBUS_TOKEN", CatalogServer.TOKEN);
  }

  private String shiftTags(String value) {
    if (value.trim().equals("*")) return value;
    List<String> out = new ArrayList<>();
    for (String t : value.split(",")) {
      Matcher m = REVISION_TAG.matcher(t.trim());
      out.add(m.matches() ? (m.group(1) == null ? "" : m.group(1)) + "\"" + (Long.parseLong(m.group(2)) + off()) + "\""
          : t.trim());
    }
    return String.join(", ", out);
  }

  private long off() {
    return offset == null ? 0 : offset; // the first example compared sets it: a mismatch is reported there
  }

  private static Message response(byte[] raw, boolean head) {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(end >= 0, () -> "no complete response head: " + new String(raw, StandardCharsets.ISO_8859_1));
    String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
    }
    Message m = new Message(lines[0], headers, "");
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    if (head) body = new byte[0];
    else if ("chunked".equalsIgnoreCase(m.header("Transfer-Encoding"))) body = dechunk(body);
    else if (m.header("Content-Length") != null) {
      body = java.util.Arrays.copyOf(body, Math.min(body.length, Integer.parseInt(m.header("Content-Length"))));
    }
    return new Message(lines[0], headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < b.length) {
      int eol = indexOf(java.util.Arrays.copyOfRange(b, i, b.length), "\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String size = new String(b, i, eol, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int n = Integer.parseInt(size, 16);
      if (n == 0) break;
      out.write(b, i + eol + 2, n);
      i += eol + 2 + n + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  // ------------------------------------------------------------------------------------------------ comparison

  private void compare(Example e, Message actual, List<String> diffs) {
    Message want = e.response();
    if (!want.startLine().equals(actual.startLine())) {
      diffs.add("status line: expected '" + want.startLine() + "', got '" + actual.startLine() + "'");
    }
    for (String[] h : want.headers()) {
      String got = actual.header(h[0]);
      if (got == null) {
        diffs.add("header " + h[0] + ": missing");
      } else if (h[1].equals(ANY)) {
        continue;
      } else if (h[0].equalsIgnoreCase("ETag") && REVISION_TAG.matcher(h[1]).matches()
          && REVISION_TAG.matcher(got).matches()) {
        Matcher w = REVISION_TAG.matcher(h[1]);
        Matcher g = REVISION_TAG.matcher(got);
        w.matches();
        g.matches();
        revision(Long.parseLong(w.group(2)), Long.parseLong(g.group(2)), "header ETag", diffs);
      } else if (!h[1].equals(got)) {
        diffs.add("header " + h[0] + ": expected '" + h[1] + "', got '" + got + "'");
      }
    }
    String type = want.header("Content-Type");
    if (want.body().isEmpty()) {
      if (!actual.body().isEmpty()) diffs.add("body: expected none, got " + actual.body());
    } else if (type != null && type.contains("json")) {
      JsonNode w;
      JsonNode g;
      try {
        w = JSON.readTree(want.body());
      } catch (IOException x) {
        diffs.add("the page's body is not JSON: " + x.getMessage());
        return;
      }
      try {
        g = JSON.readTree(actual.body());
      } catch (IOException x) {
        diffs.add("body: not JSON: " + actual.body());
        return;
      }
      if (e.method().equals("GET") && e.target().startsWith("/blobs") && !e.target().startsWith("/blobs/")) {
        sortItems(w);
        sortItems(g);
      }
      boolean detailShifts = want.startLine().startsWith("HTTP/1.1 409") || want.startLine().startsWith("HTTP/1.1 412");
      json("", w, g, detailShifts, diffs);
    } else {
      String w = want.body();
      String g = actual.body().replace("\r\n", "\n");
      if (w.equals(ANY) || w.endsWith("\n" + ANY)) {
        String prefix = w.substring(0, w.length() - ANY.length());
        if (!g.startsWith(prefix)) diffs.add("body: does not start with\n" + prefix + "\ngot\n" + shorten(g));
      } else if (!w.equals(g)) {
        diffs.add("body: expected\n" + w + "\ngot\n" + shorten(g));
      }
    }
  }

  private static String shorten(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
  }

  private static void sortItems(JsonNode n) {
    if (!(n.get("items") instanceof ArrayNode items)) return;
    List<JsonNode> sorted = new ArrayList<>();
    items.forEach(sorted::add);
    sorted.sort(Comparator.comparing((JsonNode i) -> i.path("sha256").asText()));
    items.removeAll();
    sorted.forEach(items::add);
  }

  private void revision(long want, long got, String where, List<String> diffs) {
    if (offset == null) offset = got - want;
    if (got != want + offset) {
      diffs.add(where + ": revision " + want + " of the page is " + (want + offset) + " in this run (offset "
          + offset + "), got " + got + " (" + (got - offset) + " on the page)");
    }
  }

  private static final Pattern DETAIL_REVISION = Pattern.compile("(revision |\")(\\d+)");

  private void json(String path, JsonNode want, JsonNode got, boolean detailShifts, List<String> diffs) {
    String at = path.isEmpty() ? "body" : path;
    if (want.isTextual() && want.asText().equals(ANY)) {
      if (got == null || got.isMissingNode()) diffs.add(at + ": missing");
      return;
    }
    if (got == null || got.isMissingNode()) {
      diffs.add(at + ": missing, expected " + want);
      return;
    }
    if (path.endsWith("revision") && want.isIntegralNumber() && got.isIntegralNumber()) {
      revision(want.asLong(), got.asLong(), at, diffs);
      return;
    }
    if (want.isObject()) {
      if (!got.isObject()) {
        diffs.add(at + ": expected an object, got " + got);
        return;
      }
      for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        json(path.isEmpty() ? k : path + "." + k, want.get(k), got.get(k), detailShifts, diffs);
      }
      for (Iterator<String> it = got.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!want.has(k)) diffs.add(at + ": unexpected field " + k + " = " + got.get(k));
      }
    } else if (want.isArray()) {
      if (!got.isArray() || got.size() != want.size()) {
        diffs.add(at + ": expected " + want.size() + " items, got " + got);
        return;
      }
      for (int i = 0; i < want.size(); i++) json(path + "[" + i + "]", want.get(i), got.get(i), detailShifts, diffs);
    } else if (want.isTextual() && path.equals("detail") && detailShifts && offset != null) {
      Matcher m = DETAIL_REVISION.matcher(want.asText());
      StringBuilder sb = new StringBuilder();
      while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + (Long.parseLong(m.group(2)) + offset)));
      m.appendTail(sb);
      if (!sb.toString().equals(got.asText())) diffs.add(at + ": expected " + sb + " (revisions shifted by " + offset
          + "), got " + got.asText());
    } else if (want.isNumber() ? !(got.isNumber() && want.decimalValue().compareTo(got.decimalValue()) == 0)
        : !want.equals(got)) {
      diffs.add(at + ": expected " + want + ", got " + got);
    }
  }

  // ------------------------------------------------------------------------------------------------ rendering

  /** The actual response in the page's format: revisions shifted back, {@code updated} as "…". */
  private String render(Example e, Message actual) {
    StringBuilder sb = new StringBuilder(actual.startLine()).append('\n');
    for (String[] h : actual.headers()) {
      String v = h[1];
      Matcher m = REVISION_TAG.matcher(v);
      if (h[0].equalsIgnoreCase("ETag") && m.matches() && offset != null) {
        v = "\"" + (Long.parseLong(m.group(2)) - offset) + "\"";
      }
      sb.append(h[0]).append(": ").append(v).append('\n');
    }
    String body = actual.body();
    if (!body.isEmpty()) {
      sb.append('\n');
      String type = actual.header("Content-Type");
      if (type != null && type.contains("json")) {
        try {
          JsonNode n = JSON.readTree(body);
          unshift(n);
          pretty(sb, n, "");
        } catch (IOException x) {
          sb.append(body);
        }
      } else {
        sb.append(body.length() > 300 ? body.substring(0, 300) + "\n" + ANY : body);
      }
    }
    return sb.toString().stripTrailing();
  }

  private void unshift(JsonNode n) {
    if (n instanceof ObjectNode o) {
      if (o.get("revision") != null && o.get("revision").isIntegralNumber() && offset != null) {
        o.put("revision", o.get("revision").asLong() - offset);
      }
      if (o.get("updated") != null && o.get("updated").isTextual()) o.set("updated", TextNode.valueOf(ANY));
      o.forEach(this::unshift);
    } else if (n instanceof ArrayNode a) {
      a.forEach(this::unshift);
    }
  }

  private static void pretty(StringBuilder sb, JsonNode n, String indent) {
    String in = indent + "  ";
    if (n.isObject() && !n.isEmpty()) {
      sb.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        var f = it.next();
        sb.append(in).append(TextNode.valueOf(f.getKey())).append(": ");
        pretty(sb, f.getValue(), in);
        sb.append(it.hasNext() ? ",\n" : "\n");
      }
      sb.append(indent).append('}');
    } else if (n.isArray() && !n.isEmpty()) {
      sb.append("[\n");
      for (int i = 0; i < n.size(); i++) {
        sb.append(in);
        pretty(sb, n.get(i), in);
        sb.append(i < n.size() - 1 ? ",\n" : "\n");
      }
      sb.append(indent).append(']');
    } else {
      sb.append(n.toString());
    }
  }
}
