package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs under CI=true (fails there without root), skipped elsewhere without root. */
class NetnsTest {
  private static final Duration T = Duration.ofSeconds(10);

  @BeforeAll
  static void support() {
    Netns.requireSupport();
  }

  @Test
  void twoHostsTalkOverAVethPairAndEverythingIsRemoved() throws Exception {
    String a;
    String b;
    Process listener;
    try (Netns server = Netns.create("srv"); Netns client = Netns.create("cli")) {
      a = server.name();
      b = client.name();
      assertTrue(Netns.exists(a) && Netns.exists(b));
      Netns.veth(server, "s0", "10.250.0.1/24", client, "c0", "10.250.0.2/24");
      client.exec(T, "ping", "-c1", "-W2", "10.250.0.1").assertOk();
      // The namespaces are isolated from the test's own network: no route to anything else.
      assertNotEquals(0, client.exec(T, "ping", "-c1", "-W1", "10.251.0.1").exitCode());
      listener = server.start(null, "sleep", "300");
      assertTrue(listener.isAlive());
    }
    assertFalse(Netns.exists(a), a + " left behind");
    assertFalse(Netns.exists(b), b + " left behind");
    assertTrue(listener.waitFor(10, TimeUnit.SECONDS), "process started inside was not killed");
  }

  @Test
  void aFailingCommandReportsItsOutput() {
    try (Netns ns = Netns.create("fail")) {
      Netns.Result r = ns.exec(T, "ip", "link", "set", "nosuchdev", "up");
      assertNotEquals(0, r.exitCode());
      AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, r::assertOk);
      assertTrue(e.getMessage().contains("nosuchdev"), e.getMessage());
    }
  }

  @Test
  void closeIsIdempotent() {
    Netns ns = Netns.create("idem");
    ns.close();
    ns.close();
    assertEquals(false, Netns.exists(ns.name()));
  }
}
