package dev.pxebus.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** /health and /metrics over real HTTP on loopback. */
@ExtendWith(VertxExtension.class)
class AdminServerTest {
  private static final Supplier<Health> UP = () -> Health.up(Map.of("detail", "fine"));
  private static final Supplier<Health> DOWN = () -> Health.down(Map.of("error", "gone"));
  private static final Supplier<Health> THROWS = () -> {
    throw new IllegalStateException("probe exploded");
  };

  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private AdminServer admin;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.admin = new AdminServer(vertx, "test-service", "inst-1", registry);
  }

  @AfterEach
  void tearDown() throws Exception {
    admin.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    registry.close();
  }

  private String listen() throws Exception {
    int port = admin.listen("127.0.0.1", 0, false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + port;
  }

  /** One check registered for a case: name, essential, probe. */
  private record CheckSpec(String name, boolean essential, Supplier<Health> probe) {}

  static Stream<Arguments> healthCases() {
    return Stream.of(
        Arguments.of("all up", List.of(
            new CheckSpec("kafka", false, UP), new CheckSpec("disk", true, UP)), 200, "UP"),
        Arguments.of("no checks at all", List.of(), 200, "UP"),
        Arguments.of("only a non-essential check down", List.of(
            new CheckSpec("kafka", false, DOWN), new CheckSpec("disk", true, UP)), 200, "DEGRADED"),
        Arguments.of("an essential check down", List.of(
            new CheckSpec("kafka", false, UP), new CheckSpec("disk", true, DOWN)), 503, "DOWN"),
        Arguments.of("essential and non-essential down", List.of(
            new CheckSpec("kafka", false, DOWN), new CheckSpec("disk", true, DOWN)), 503, "DOWN"),
        Arguments.of("an essential check throws", List.of(
            new CheckSpec("kafka", false, UP), new CheckSpec("disk", true, THROWS)), 503, "DOWN"),
        Arguments.of("a non-essential check throws", List.of(
            new CheckSpec("kafka", false, THROWS), new CheckSpec("disk", true, UP)), 200, "DEGRADED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("healthCases")
  void healthStatus(String name, List<CheckSpec> checks, int httpStatus, String status) throws Exception {
    for (CheckSpec c : checks) admin.check(c.name(), c.essential(), c.probe());
    Http.Response r = Http.get(listen() + "/health");
    assertEquals(httpStatus, r.status(), r.body());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    JsonObject doc = r.json();
    assertEquals(status, doc.getString("status"), r.body());
    assertEquals("test-service", doc.getString("service"));
    assertEquals("inst-1", doc.getString("instance"));
    assertEquals(checks.size(), doc.getJsonObject("checks").size(), r.body());
    for (CheckSpec c : checks) {
      JsonObject check = r.check(c.name());
      assertEquals(c.essential(), check.getBoolean("essential"), r.body());
      assertEquals(c.probe() == UP ? "UP" : "DOWN", check.getString("status"), r.body());
    }
  }

  @Test
  void checkThatThrowsIsDownWithItsMessageAndTheEndpointKeepsAnswering() throws Exception {
    admin.check("flaky", true, THROWS).check("kafka", false, UP);
    String base = listen();
    for (int i = 0; i < 3; i++) {
      Http.Response r = Http.get(base + "/health");
      assertEquals(503, r.status(), r.body());
      assertEquals("probe exploded", r.check("flaky").getString("error"), r.body());
      assertEquals("UP", r.check("kafka").getString("status"), "the other checks still run: " + r.body());
    }
  }

  @Test
  void checksAreEvaluatedOnEveryRequest() throws Exception {
    AtomicBoolean up = new AtomicBoolean(true);
    admin.check("switch", true, () -> up.get() ? Health.up(Map.of()) : Health.down(Map.of()));
    String base = listen();
    assertEquals(200, Http.get(base + "/health").status());
    up.set(false);
    assertEquals(503, Http.get(base + "/health").status());
    up.set(true);
    assertEquals(200, Http.get(base + "/health").status());
  }

  @Test
  void metricsArePrometheusTextWithARegisteredMeter() throws Exception {
    Counter.builder("pxebus.test.widgets").description("widgets made by the test").register(registry).increment(3);
    Http.Response r = Http.get(listen() + "/metrics");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    assertTrue(r.contentType().contains("version=0.0.4"), r.contentType());
    assertTrue(r.body().contains("# TYPE pxebus_test_widgets_total counter"), r.body());
    assertTrue(r.body().lines().anyMatch(l -> l.startsWith("pxebus_test_widgets_total") && l.endsWith(" 3.0")),
        r.body());
  }

  @Test
  void portZeroPicksARealPort() throws Exception {
    int port = admin.listen("127.0.0.1", 0, false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertNotEquals(0, port);
    assertEquals(200, Http.get("http://127.0.0.1:" + port + "/health").status());
    Http.Response root = Http.get("http://127.0.0.1:" + port + "/");
    assertTrue(root.body().contains("test-service inst-1"), root.body());
  }

  @Test
  void portInUseFailsWithAMessageNamingServiceAndAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Throwable e = admin.listen("127.0.0.1", taken.getLocalPort(), false).toCompletionStage().toCompletableFuture()
          .handle((p, err) -> err).get(10, TimeUnit.SECONDS);
      assertNotNull(e, "listening on a taken port must fail");
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      assertTrue(cause instanceof IllegalStateException, cause.toString());
      assertTrue(cause.getMessage().contains("test-service"), cause.getMessage());
      assertTrue(cause.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), cause.getMessage());
    }
  }
}
