package dev.pxebus.catalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.catalog.spec.ArtifactSpec;
import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.Change;
import dev.pxebus.catalog.spec.CpuArch;
import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.ProfileSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Writes#decide} as a table: a catalog, a write and its preconditions → the decision. */
class WritesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final ImageSpec IMAGE = new ImageSpec("deb", null, null, CpuArch.X86_64,
      new ArtifactSpec("vmlinuz", "ab".repeat(32), 10), List.of(), null, Map.of());
  private static final ProfileSpec PROFILE = new ProfileSpec("install", "deb", null, null);
  private static final HostSpec HOST = new HostSpec("52:54:00:00:00:01", null, Map.of(), null, "install", false);
  /** image at revision 3, profile at 4, host at 5. */
  private static final Snapshot CATALOG = Snapshot.EMPTY.put(IMAGE, 3, NOW).put(PROFILE, 4, NOW).put(HOST, 5, NOW);

  private static ImageSpec image(String cmdline) {
    return new ImageSpec("deb", null, null, CpuArch.X86_64, IMAGE.kernel(), List.of(), cmdline, Map.of());
  }

  /** What a case expects: a refusal with its reason, Unchanged, or Apply (created or not). */
  record Expect(WriteRefused.Reason refused, boolean unchanged, boolean created) {
    static Expect refused(WriteRefused.Reason r) {
      return new Expect(r, false, false);
    }
  }

  private static Arguments row(String name, Change change, Precondition pre, Expect expect) {
    return Arguments.of(Named.of(name, change), pre, expect);
  }

  static Stream<Arguments> cases() {
    Change newImage = Change.put(new ImageSpec("new", null, null, CpuArch.ARM64, IMAGE.kernel(), List.of(), null,
        Map.of()));
    Change changed = Change.put(image("quiet"));
    return Stream.of(
        row("create of a new entity", newImage, Precondition.CREATE, new Expect(null, false, true)),
        row("create of an existing one: 409", changed, Precondition.CREATE,
            Expect.refused(WriteRefused.Reason.CONFLICT)),
        row("put without precondition replaces", changed, Precondition.NONE, new Expect(null, false, false)),
        row("put without precondition creates", newImage, Precondition.NONE, new Expect(null, false, true)),
        row("If-Match with the current ETag", changed, Precondition.of("\"3\"", null), new Expect(null, false, false)),
        row("If-Match with one of several tags", changed, Precondition.of("\"1\", \"3\"", null),
            new Expect(null, false, false)),
        row("If-Match with a stale ETag: 412", changed, Precondition.of("\"2\"", null),
            Expect.refused(WriteRefused.Reason.PRECONDITION_FAILED)),
        row("If-Match with a weak tag never matches: 412", changed, Precondition.of("W/\"3\"", null),
            Expect.refused(WriteRefused.Reason.PRECONDITION_FAILED)),
        row("If-Match * on an existing entity", changed, Precondition.of("*", null), new Expect(null, false, false)),
        row("If-Match * on a missing one: 412", newImage, Precondition.of("*", null),
            Expect.refused(WriteRefused.Reason.PRECONDITION_FAILED)),
        row("If-Match on a missing one: 412", newImage, Precondition.of("\"3\"", null),
            Expect.refused(WriteRefused.Reason.PRECONDITION_FAILED)),
        row("If-None-Match * on a missing one creates", newImage, Precondition.of(null, "*"),
            new Expect(null, false, true)),
        row("If-None-Match * on an existing one: 412", changed, Precondition.of(null, "*"),
            Expect.refused(WriteRefused.Reason.PRECONDITION_FAILED)),
        row("put of exactly what is stored writes nothing", Change.put(IMAGE), Precondition.NONE,
            new Expect(null, true, false)),
        row("a stale If-Match is refused even for an unchanged put", Change.put(IMAGE), Precondition.of("\"1\"", null),
            Expect.refused(WriteRefused.Reason.PRECONDITION_FAILED)),
        row("delete of a missing entity: 404", Change.delete(EntityKind.GROUP, "nope"), Precondition.NONE,
            Expect.refused(WriteRefused.Reason.NOT_FOUND)),
        row("delete of an image in use: 409", Change.delete(EntityKind.IMAGE, "deb"), Precondition.NONE,
            Expect.refused(WriteRefused.Reason.CONFLICT)),
        row("delete of a host by another spelling of its MAC", Change.delete(EntityKind.HOST, "52-54-00-00-00-01"),
            Precondition.of("\"5\"", null), new Expect(null, false, false)),
        row("profile of an unknown image: 422", Change.put(new ProfileSpec("p2", "nope", null, null)),
            Precondition.NONE, Expect.refused(WriteRefused.Reason.UNPROCESSABLE)),
        row("host with a free reserved IP is created", Change.put(new HostSpec("52:54:00:00:00:02", null, Map.of(),
            "10.0.0.5", null, false)), Precondition.NONE, new Expect(null, false, true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Change change, Precondition pre, Expect expect) {
    Writes.Decision d = Writes.decide(CATALOG, change, pre, NOW, 0);
    if (expect.refused() != null) {
      Writes.Refuse r = assertInstanceOf(Writes.Refuse.class, d, d::toString);
      assertEquals(expect.refused(), r.why().reason(), r.why().getMessage());
      assertTrue(!r.why().getMessage().isBlank());
    } else if (expect.unchanged()) {
      assertEquals(3, assertInstanceOf(Writes.Unchanged.class, d).current().revision());
    } else {
      Writes.Apply a = assertInstanceOf(Writes.Apply.class, d, d::toString);
      assertEquals(expect.created(), a.created());
      if (a.entry() != null) {
        assertEquals(6, a.entry().revision(), "the next revision after the catalog's highest");
        assertEquals(NOW, a.entry().updated());
        assertEquals(a.entry(), a.after().get(a.entry().spec().kind(), a.entry().spec().key()).orElseThrow());
      } else {
        assertTrue(a.after().get(change.kind(), change.key()).isEmpty());
      }
    }
  }

  @Test
  void aRevisionIsAboveTheLogPositionSoItIsNeverGivenTwice() {
    // The entity at revision 9 was deleted and compacted away: the snapshot's highest revision is 5, but 11 records
    // were written to the topics. The next revision must be above both.
    Writes.Apply a = (Writes.Apply) Writes.decide(CATALOG, Change.put(image("x")), Precondition.NONE, NOW, 11);
    assertEquals(12, a.entry().revision());
    Writes.Apply b = (Writes.Apply) Writes.decide(CATALOG, Change.put(image("x")), Precondition.NONE, NOW, 2);
    assertEquals(6, b.entry().revision());
  }

  @Test
  void preconditionHeadersParse() {
    assertEquals(Precondition.NONE, Precondition.of(null, null));
    assertEquals(Precondition.NONE, Precondition.of(" ", ""));
    assertEquals(List.of("\"1\"", "\"2\""), Precondition.of("\"1\" , W/\"7\", \"2\"", null).ifMatch());
    assertTrue(Precondition.of("*", null).ifMatchAny());
    assertTrue(Precondition.of(null, " * ").ifNoneMatchAny());
    for (String bad : List.of("12", "\"1", "\"a\"b\"", "\"1\",,\"2\"")) {
      assertThrows(IllegalArgumentException.class, () -> Precondition.of(bad, null), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> Precondition.of(null, "\"3\""));
    assertThrows(IllegalArgumentException.class, () -> Precondition.of("\"3\"", "*"));
  }

  @Test
  void everyDecisionOfARefusalIsStatedInItsStatus() {
    assertEquals(409, WriteRefused.Reason.CONFLICT.status());
    assertEquals(412, WriteRefused.Reason.PRECONDITION_FAILED.status());
    assertEquals(422, WriteRefused.Reason.UNPROCESSABLE.status());
    assertEquals(503, WriteRefused.Reason.UNCONFIRMED.status());
    CatalogSpec s = IMAGE;
    assertEquals("\"3\"", CATALOG.get(s.kind(), s.key()).orElseThrow().etag());
  }
}
