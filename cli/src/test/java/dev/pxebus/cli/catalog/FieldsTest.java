package dev.pxebus.cli.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldsTest {
  private static final String SHA = "ab".repeat(32);

  private static ObjectNode doc(String json) throws Exception {
    return (ObjectNode) CatalogClient.MAPPER.readTree(json.replace('\'', '"'));
  }

  static Stream<Arguments> artifacts() {
    return Stream.of(
        Arguments.of("plain", "vmlinuz:" + SHA + ":7", "{\"name\":\"vmlinuz\",\"sha256\":\"" + SHA + "\",\"size\":7}"),
        Arguments.of("a colon in the name", "a:b:" + SHA + ":12", "{\"name\":\"a:b\",\"sha256\":\"" + SHA + "\",\"size\":12}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("artifacts")
  void artifactSpec(String name, String spec, String json) throws Exception {
    assertEquals(json, ImageFields.artifact(doc("{}"), "--kernel", spec).toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArtifacts")
  void badArtifactSpecIsAUsageError(String name, String spec) {
    CatalogException e = assertThrows(CatalogException.class, () -> ImageFields.artifact(doc("{}"), "--initrd", spec));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals("--initrd wants NAME:SHA256:SIZE (as `images import` prints), not '" + spec + "'", e.getMessage());
  }

  static Stream<Arguments> badArtifacts() {
    return Stream.of(Arguments.of("name only", "vmlinuz"), Arguments.of("no size", "vmlinuz:" + SHA),
        Arguments.of("size not a number", "vmlinuz:" + SHA + ":big"), Arguments.of("no name", ":" + SHA + ":3"));
  }

  @Test
  void textSetsRemovesOrLeaves() throws Exception {
    ObjectNode d = doc("{'hostname':'a','profile':'p'}");
    assertTrue(Fields.text(d, "hostname", "b"));
    assertTrue(Fields.text(d, "profile", ""));
    assertFalse(Fields.text(d, "reservedIp", null));
    assertEquals("{\"hostname\":\"b\"}", d.toString());
  }

  @Test
  void pairsRemoveFirstThenSetAndDropAnEmptyObject() throws Exception {
    ObjectNode d = doc("{'labels':{'rack':'a1','role':'db'}}");
    assertTrue(Fields.pairs(d, "labels", "--label", List.of("rack=b2", "os=x=y"), List.of("rack", "role")));
    assertEquals("{\"labels\":{\"rack\":\"b2\",\"os\":\"x=y\"}}", d.toString());
    assertTrue(Fields.pairs(d, "labels", "--label", null, List.of("rack", "os")));
    assertEquals("{}", d.toString(), "no labels left: no labels field");
    assertFalse(Fields.pairs(d, "labels", "--label", null, null));
    CatalogException e = assertThrows(CatalogException.class,
        () -> Fields.pairs(d, "selector", "--selector", List.of("=x"), null));
    assertEquals("--selector wants key=value, not '=x'", e.getMessage());
  }

  @Test
  void readOnlyFieldsAreDroppedBeforeAPut() throws Exception {
    ObjectNode d = doc("{'mac':'m','revision':3,'updated':'t','status':{'lastSeen':'x'},'hostname':'h'}");
    assertEquals("{\"mac\":\"m\",\"hostname\":\"h\"}", WriteCommand.withoutReadOnly(d).toString());
  }
}
