package dev.pxebus.catalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.catalog.CatalogApp;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens: 401 without or with a wrong token, 403 for a read token on a write, reads open or protected. */
@ExtendWith(KafkaBrokerExtension.class)
class CatalogAuthTest {
  private static final String HOST = "{\"mac\":\"52:54:00:%s\"}";

  private static String host() {
    String h = UUID.randomUUID().toString().replace("-", "");
    return String.format(HOST, h.substring(0, 2) + ":" + h.substring(2, 4) + ":" + h.substring(4, 6));
  }

  private static void assertUnauthorized(CatalogServer.Response r, String error) {
    assertEquals(401, r.status(), r::toString);
    assertTrue(r.header("Content-Type").startsWith("application/problem+json"));
    assertEquals("urn:pxebus:problem:unauthorized", r.json().getString("type"));
    String challenge = r.header("WWW-Authenticate");
    assertTrue(challenge.startsWith("Bearer realm=\"pxebus\""), challenge);
    assertEquals(error != null, challenge.contains("error=\"" + error + "\""), challenge);
  }

  @Test
  void writesNeedTheWriteTokenReadsAreOpenByDefault(KafkaEndpoint kafka, @TempDir Path dir) {
    try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of())) {
      assertUnauthorized(s.sendAs(null, "POST", "/hosts", host()), null);
      assertUnauthorized(s.sendAs("wrong", "POST", "/hosts", host()), "invalid_token");
      assertUnauthorized(s.sendAs(CatalogServer.TOKEN + "x", "POST", "/hosts", host()), "invalid_token");
      assertUnauthorized(s.sendAs("", "DELETE", "/hosts/52:54:00:00:00:01", null), "invalid_token");
      CatalogServer.Response readToken = s.sendAs(CatalogServer.READ_TOKEN, "POST", "/hosts", host());
      assertEquals(403, readToken.status(), readToken::toString);
      assertEquals("urn:pxebus:problem:forbidden", readToken.json().getString("type"));
      assertTrue(readToken.header("WWW-Authenticate").contains("insufficient_scope"));
      // Blob uploads are writes too, refused before their body is read.
      assertUnauthorized(s.sendAs(null, "POST", "/blobs", "x", "Content-Type", "application/octet-stream"), null);
      assertEquals(201, s.sendAs(CatalogServer.TOKEN, "POST", "/hosts", host()).status());
      assertEquals(200, s.sendAs(null, "GET", "/hosts", null).status(), "reads are open");
      assertEquals(200, s.sendAs("anything", "GET", "/images", null).status(), "whatever token a read carries");
    }
  }

  @Test
  void readsCanBeProtected(KafkaEndpoint kafka, @TempDir Path dir) {
    try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of("catalog.reads-need-token", "true"))) {
      assertUnauthorized(s.sendAs(null, "GET", "/hosts", null), null);
      assertUnauthorized(s.sendAs("wrong", "GET", "/images", null), "invalid_token");
      assertUnauthorized(s.sendAs(null, "GET", "/blobs/" + "00".repeat(32), null), null);
      assertEquals(200, s.sendAs(CatalogServer.READ_TOKEN, "GET", "/hosts", null).status());
      assertEquals(200, s.sendAs(CatalogServer.TOKEN, "GET", "/hosts", null).status());
      assertEquals(200, s.sendAs(null, "GET", "/openapi.yaml", null).status(), "the contract is public");
    }
  }

  @Test
  void aTokenIsGeneratedOnFirstStartKeptPrivateAndReused(KafkaEndpoint kafka, @TempDir Path dir) throws Exception {
    String token;
    try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of("catalog.token", ""))) {
      Path file = dir.resolve("token");
      assertTrue(Files.exists(file));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      token = Files.readString(file).trim();
      assertTrue(token.length() >= 40, token);
      assertUnauthorized(s.sendAs(CatalogServer.TOKEN, "POST", "/hosts", host()), "invalid_token");
      assertEquals(201, s.sendAs(token, "POST", "/hosts", host()).status());
    }
    try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of("catalog.token", ""))) {
      assertEquals(token, Files.readString(dir.resolve("token")).trim(), "the same token after a restart");
      assertEquals(201, s.sendAs(token, "POST", "/hosts", host()).status());
    }
  }

  @Test
  void aGeneratedTokenIsLoggedOnceOnTheFirstStartAndNotOnTheNext(KafkaEndpoint kafka, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("token");
    String token;
    List<String> firstStart;
    // Every logger, from before the start until after the stop: the token is in one line of all of it.
    try (LogCapture log = LogCapture.everything()) {
      try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of("catalog.token", ""))) {
        token = Files.readString(file).trim();
        assertEquals(201, s.sendAs(token, "POST", "/hosts", host()).status());
      }
      firstStart = log.lines();
      assertEquals(1, log.occurrences(token), () -> "the generated token, once, in: " + firstStart);
    }
    String line = firstStart.stream().filter(l -> l.contains(token)).findFirst().orElseThrow();
    assertTrue(line.startsWith("WARN " + CatalogApp.class.getName() + " - "), line);
    assertTrue(line.contains(file.toString()), () -> "says where the token is kept: " + line);

    try (LogCapture log = LogCapture.everything()) {
      try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of("catalog.token", ""))) {
        assertEquals(token, Files.readString(file).trim());
        assertEquals(201, s.sendAs(token, "POST", "/hosts", host()).status());
      }
      List<String> secondStart = log.lines();
      assertEquals(0, log.occurrences(token), () -> "the token is not printed again: " + secondStart);
      assertTrue(secondStart.contains("INFO " + CatalogApp.class.getName() + " - catalog write token read from "
          + file), () -> "says where the token was read from: " + secondStart);
    }
  }

  @Test
  void comparisonIsOfDigests() {
    BearerAuth auth = new BearerAuth("secret", java.util.List.of("reader"), false);
    assertEquals(BearerAuth.Grant.WRITE, auth.grant("Bearer secret"));
    assertEquals(BearerAuth.Grant.WRITE, auth.grant("bearer   secret "));
    assertEquals(BearerAuth.Grant.READ, auth.grant("Bearer reader"));
    assertEquals(BearerAuth.Grant.NONE, auth.grant("Bearer secre"));
    assertEquals(BearerAuth.Grant.NONE, auth.grant("Bearer secretsecret"));
    assertEquals(BearerAuth.Grant.NONE, auth.grant("Basic c2VjcmV0"));
    assertEquals(BearerAuth.Grant.NONE, auth.grant("secret"));
    assertEquals(BearerAuth.Grant.NONE, auth.grant(null));
    assertFalse(auth.grant("Bearer ") == BearerAuth.Grant.WRITE);
  }
}
