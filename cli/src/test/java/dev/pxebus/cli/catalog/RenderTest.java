package dev.pxebus.cli.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderTest {
  private static JsonNode json(String s) throws Exception {
    return CatalogClient.MAPPER.readTree(s.replace('\'', '"'));
  }

  private static List<JsonNode> items(String array) throws Exception {
    List<JsonNode> l = new ArrayList<>();
    json(array).forEach(l::add);
    return l;
  }

  @Test
  void imageTableIsAlignedWithDashesForMissingValues() throws Exception {
    List<JsonNode> images = items("[{'id':'debian-12','arch':'x86_64','version':'12.8','kernel':{'name':'vmlinuz'},"
        + "'initrds':[{'name':'initrd.gz'},{'name':'firmware.cpio'}],'labels':{'os':'debian'},'name':'Debian 12'},"
        + "{'id':'alpine','arch':'arm64','kernel':{'name':'vmlinuz-lts'}}]");
    assertEquals(String.join("\n",
            "ID         ARCH    VERSION  KERNEL       INITRDS                  LABELS     NAME",
            "debian-12  x86_64  12.8     vmlinuz      initrd.gz,firmware.cpio  os=debian  Debian 12",
            "alpine     arm64   -        vmlinuz-lts  -                        -          -"),
        String.join("\n", Render.table(Kind.IMAGE.columns(), images)));
  }

  @Test
  void hostAndGroupTables() throws Exception {
    assertEquals(String.join("\n",
            "MAC                HOSTNAME  PROFILE    RESERVED IP  BOOT ONCE  LABELS",
            "52:54:00:12:34:56  node1     installer  10.0.0.21    yes        rack=a1,role=db"),
        String.join("\n", Render.table(Kind.HOST.columns(), items("[{'mac':'52:54:00:12:34:56','hostname':'node1',"
            + "'profile':'installer','reservedIp':'10.0.0.21','bootOnce':true,'labels':{'rack':'a1','role':'db'}}]"))));
    assertEquals(String.join("\n",
            "ID       PROFILE  SELECTOR                 NAME",
            "arm      rescue   arch=arm64,label.rack=b  ARM boxes",
            "default  local    (default)                -"),
        String.join("\n", Render.table(Kind.GROUP.columns(), items("[{'id':'arm','profile':'rescue','selector':"
            + "{'arch':'arm64','label.rack':'b'},'name':'ARM boxes'},{'id':'default','profile':'local'}]"))));
  }

  @Test
  void aCellWithALineBreakStaysOnItsRow() throws Exception {
    assertEquals(List.of("ID  IMAGE  MENU LABEL  CMDLINE", "p   i      two words   a b"),
        Render.table(Kind.PROFILE.columns(), items("[{'id':'p','image':'i','menuLabel':'two\\nwords','cmdline':'a b'}]")));
  }

  @Test
  void fieldsFlattenNestedObjectsAndArrays() throws Exception {
    JsonNode image = json("{'id':'debian-12','arch':'x86_64','kernel':{'name':'vmlinuz','sha256':'ab12','size':7},"
        + "'initrds':[{'name':'initrd.gz','sha256':'cd34','size':9}],'labels':{},'tags':['a','b'],'cmdline':null,"
        + "'revision':7,'updated':'2026-12-01T09:00:00Z'}");
    assertEquals(String.join("\n",
            "id:                debian-12",
            "arch:              x86_64",
            "kernel.name:       vmlinuz",
            "kernel.sha256:     ab12",
            "kernel.size:       7",
            "initrds[0].name:   initrd.gz",
            "initrds[0].sha256: cd34",
            "initrds[0].size:   9",
            "tags:              a, b",
            "revision:          7",
            "updated:           2026-12-01T09:00:00Z"),
        String.join("\n", Render.fields(image)));
  }
}
