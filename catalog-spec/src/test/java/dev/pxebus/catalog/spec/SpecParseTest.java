package dev.pxebus.catalog.spec;

import static dev.pxebus.catalog.spec.Docs.MAC;
import static dev.pxebus.catalog.spec.Docs.SHA_A;
import static dev.pxebus.catalog.spec.Docs.SHA_B;
import static dev.pxebus.catalog.spec.Docs.UUID;
import static dev.pxebus.catalog.spec.Docs.json;
import static dev.pxebus.catalog.spec.Docs.with;
import static dev.pxebus.catalog.spec.Docs.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every document form each entity accepts and what it normalises to; every named error, alone and together. One row
 * per outcome, comparing the whole spec or the exact list of {@code field code} errors.
 */
class SpecParseTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final ArtifactSpec KERNEL = new ArtifactSpec("linux", SHA_A, 8247232);
  static final ArtifactSpec INITRD = new ArtifactSpec("initrd.gz", SHA_B, 41232384);

  record Accepted(EntityKind kind, JsonNode doc, CatalogSpec expected) {}

  record Rejected(EntityKind kind, JsonNode doc, List<String> errors) {}

  private static Arguments ok(String name, EntityKind kind, JsonNode doc, CatalogSpec expected) {
    return Arguments.of(named(name, new Accepted(kind, doc, expected)));
  }

  private static Arguments bad(String name, EntityKind kind, JsonNode doc, String... errors) {
    return Arguments.of(named(name, new Rejected(kind, doc, List.of(errors))));
  }

  static ImageSpec debian() {
    return new ImageSpec("debian-12-amd64", "Debian 12 netboot installer", "12.10", CpuArch.X86_64, KERNEL,
        List.of(INITRD), "priority=critical auto=true", Map.of("os", "debian"));
  }

  static ProfileSpec install() {
    return new ProfileSpec("debian-12-install", "debian-12-amd64", "console=ttyS0,115200n8",
        "Install Debian 12 (unattended)");
  }

  static HostSpec node1() {
    return new HostSpec(MAC, "lab-node-1", Map.of("rack", "r1", "role", "worker"), "10.213.0.121",
        "debian-12-install", true);
  }

  static GroupSpec uefiWorkers() {
    return new GroupSpec("uefi-workers", "UEFI workers", "debian-12-install",
        new Selector(MAC, ClientArch.EFI_X86_64, UUID, Map.of("role", "worker")));
  }

  private static ImageSpec tiny(CpuArch arch) {
    return new ImageSpec("tiny", "tiny", null, arch, new ArtifactSpec("vmlinuz", SHA_A, 1), List.of(), null, Map.of());
  }

  private static String tinyImage(String arch) {
    return "{'id': 'tiny', 'arch': '" + arch + "', 'kernel': {'name': 'vmlinuz', 'sha256': '" + SHA_A + "', 'size': 1}}";
  }

  private static GroupSpec group(Selector s) {
    return new GroupSpec("g", "g", "p", s);
  }

  private static Selector sel(String mac, ClientArch arch, String uuid, Map<String, String> labels) {
    return new Selector(mac, arch, uuid, labels);
  }

  static Stream<Arguments> accepted() {
    ObjectNode img = Docs.image();
    ObjectNode host = Docs.host();
    ObjectNode group = Docs.group();
    String x = "x";
    return Stream.of(
        // ---------------------------------------------------------------- images
        ok("image: the docs/events.md example", EntityKind.IMAGE, img, debian()),
        ok("image: only the required fields; name defaults to the id", EntityKind.IMAGE,
            json(tinyImage("x86_64")), tiny(CpuArch.X86_64)),
        ok("image: JSON null for every optional field means absent", EntityKind.IMAGE,
            json("{'id': 'tiny', 'name': null, 'version': null, 'arch': 'x86_64', 'kernel': {'name': 'vmlinuz', "
                + "'sha256': '" + SHA_A + "', 'size': 1}, 'initrds': null, 'cmdline': null, 'labels': null}"),
            tiny(CpuArch.X86_64)),
        ok("image: blank optional text is absent", EntityKind.IMAGE,
            with(with(json(tinyImage("x86_64")), "/cmdline", "   "), "/name", "  "), tiny(CpuArch.X86_64)),
        ok("image: arch amd64 (Debian) normalises to x86_64", EntityKind.IMAGE, json(tinyImage("amd64")),
            tiny(CpuArch.X86_64)),
        ok("image: arch AARCH64 normalises to arm64", EntityKind.IMAGE, json(tinyImage("AARCH64")), tiny(CpuArch.ARM64)),
        ok("image: arch armhf normalises to arm32", EntityKind.IMAGE, json(tinyImage("armhf")), tiny(CpuArch.ARM32)),
        ok("image: arch i686 normalises to i386", EntityKind.IMAGE, json(tinyImage("i686")), tiny(CpuArch.I386)),
        ok("image: upper-case SHA-256 normalises to lower case", EntityKind.IMAGE,
            with(img, "/kernel/sha256", SHA_A.toUpperCase()), debian()),
        ok("image: spaces around values are stripped", EntityKind.IMAGE,
            with(with(with(img, "/id", " debian-12-amd64 "), "/name", "  Debian 12 netboot installer "),
                "/kernel/name", " linux"), debian()),
        ok("image: command line runs of spaces collapse, quoted spaces stay", EntityKind.IMAGE,
            with(json(tinyImage("x86_64")), "/cmdline", "  quiet   ip=dhcp  foo=\"a  b\" -- single "),
            new ImageSpec("tiny", "tiny", null, CpuArch.X86_64, new ArtifactSpec("vmlinuz", SHA_A, 1), List.of(),
                "quiet ip=dhcp foo=\"a  b\" -- single", Map.of())),
        ok("image: file names with versions, '+', '_' and inner dots", EntityKind.IMAGE,
            json("{'id': 'ubuntu-24.04_live', 'arch': 'x86_64', 'version': '1:2.06-13+deb12u1~bpo', "
                + "'kernel': {'name': 'vmlinuz-6.1.0-18-amd64', 'sha256': '" + SHA_A + "', 'size': 1}, "
                + "'initrds': [{'name': 'initrd.img+fw', 'sha256': '" + SHA_B + "', 'size': 2}, "
                + "{'name': '_core64.gz', 'sha256': '" + SHA_A + "', 'size': 17179869184}]}"),
            new ImageSpec("ubuntu-24.04_live", "ubuntu-24.04_live", "1:2.06-13+deb12u1~bpo", CpuArch.X86_64,
                new ArtifactSpec("vmlinuz-6.1.0-18-amd64", SHA_A, 1),
                List.of(new ArtifactSpec("initrd.img+fw", SHA_B, 2), new ArtifactSpec("_core64.gz", SHA_A, 16L << 30)),
                null, Map.of())),
        ok("image: an id of 63 characters, the limit", EntityKind.IMAGE, with(json(tinyImage("x86_64")), "/id",
            "a".repeat(63)), new ImageSpec("a".repeat(63), null, null, CpuArch.X86_64,
            new ArtifactSpec("vmlinuz", SHA_A, 1), List.of(), null, Map.of())),
        ok("image: a display name in any script", EntityKind.IMAGE, with(json(tinyImage("x86_64")), "/name",
            "Débian 12 – 安装程序 ✓"), new ImageSpec("tiny", "Débian 12 – 安装程序 ✓", null, CpuArch.X86_64,
            new ArtifactSpec("vmlinuz", SHA_A, 1), List.of(), null, Map.of())),
        ok("image: a command line of 2047 characters, the limit", EntityKind.IMAGE,
            with(json(tinyImage("x86_64")), "/cmdline", "a".repeat(2047)),
            new ImageSpec("tiny", "tiny", null, CpuArch.X86_64, new ArtifactSpec("vmlinuz", SHA_A, 1), List.of(),
                "a".repeat(2047), Map.of())),

        // ---------------------------------------------------------------- profiles
        ok("profile: the docs/events.md example", EntityKind.PROFILE, Docs.profile(), install()),
        ok("profile: only id and image", EntityKind.PROFILE, json("{'id': 'p', 'image': 'i'}"),
            new ProfileSpec("p", "i", null, null)),
        ok("profile: a menu label with punctuation and Unicode", EntityKind.PROFILE,
            json("{'id': 'p', 'image': 'i', 'menuLabel': 'Rescue: Debian 12 (μ-kernel) [F2]'}"),
            new ProfileSpec("p", "i", null, "Rescue: Debian 12 (μ-kernel) [F2]")),

        // ---------------------------------------------------------------- hosts: MAC spellings
        ok("host: the docs/events.md example", EntityKind.HOST, host, node1()),
        ok("host: MAC with dashes, upper case", EntityKind.HOST, with(host, "/mac", "52-54-00-12-34-56"), node1()),
        ok("host: MAC in Cisco dotted form", EntityKind.HOST, with(host, "/mac", "5254.0012.3456"), node1()),
        ok("host: MAC without separators", EntityKind.HOST, with(host, "/mac", "525400123456"), node1()),
        ok("host: MAC with colons, upper case and spaces", EntityKind.HOST, with(host, "/mac", " 52:54:00:12:34:56 "),
            node1()),
        ok("host: MAC only; bootOnce defaults to false", EntityKind.HOST, json("{'mac': '52-54-00-AB-CD-EF'}"),
            new HostSpec("52:54:00:ab:cd:ef", null, Map.of(), null, null, false)),
        ok("host: host name normalises to lower case", EntityKind.HOST,
            with(host, "/hostname", "Lab-Node-1"), node1()),
        ok("host: a fully qualified host name", EntityKind.HOST,
            json("{'mac': '" + MAC + "', 'hostname': 'n1.lab.example.org', 'bootOnce': false}"),
            new HostSpec(MAC, "n1.lab.example.org", Map.of(), null, null, false)),
        ok("host: label keys with dots and dashes, values with upper case", EntityKind.HOST,
            json("{'mac': '" + MAC + "', 'labels': {'topology.rack': 'R1-a', 'os_family': 'Debian.12'}}"),
            new HostSpec(MAC, null, Map.of("topology.rack", "R1-a", "os_family", "Debian.12"), null, null, false)),

        // ---------------------------------------------------------------- groups: selectors
        ok("group: every kind of selector", EntityKind.GROUP, group, uefiWorkers()),
        ok("group: no selector is the default group", EntityKind.GROUP, json("{'id': 'g', 'profile': 'p'}"),
            group(Selector.NONE)),
        ok("group: an empty selector is the default group", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {}}"), group(Selector.NONE)),
        ok("group: MAC selector in dashed upper case normalises", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {'mac': '52-54-00-12-34-56'}}"),
            group(sel(MAC, null, null, Map.of()))),
        ok("group: arch as option 93 type 7 (the docs/events.md example) is efi-x86_64", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {'arch': '7'}}"),
            group(sel(null, ClientArch.EFI_X86_64, null, Map.of()))),
        ok("group: arch as option 93 type 0 is bios", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {'arch': '0'}}"), group(sel(null, ClientArch.BIOS, null, Map.of()))),
        ok("group: arch name in upper case", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {'arch': 'EFI-ARM64'}}"),
            group(sel(null, ClientArch.EFI_ARM64, null, Map.of()))),
        ok("group: UUID as 32 upper-case hex digits normalises to 8-4-4-4-12", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {'uuid': '4C4C454400424D108057B4C04F4E3632'}}"),
            group(sel(null, null, UUID, Map.of()))),
        ok("group: UUID in braces", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {'uuid': '{4C4C4544-0042-4D10-8057-B4C04F4E3632}'}}"),
            group(sel(null, null, UUID, Map.of()))),
        ok("group: two label selectors", EntityKind.GROUP,
            json("{'id': 'g', 'profile': 'p', 'selector': {'label.role': 'worker', 'label.rack': 'r1'}}"),
            group(sel(null, null, null, Map.of("role", "worker", "rack", "r1")))));
  }

  static Stream<Arguments> rejected() {
    ObjectNode img = Docs.image();
    ObjectNode prof = Docs.profile();
    ObjectNode host = Docs.host();
    ObjectNode grp = Docs.group();
    ArrayNode tooManyInitrds = F.arrayNode();
    for (int i = 0; i < Limits.INITRDS_MAX + 1; i++) {
      tooManyInitrds.add(json("{'name': 'i" + i + "', 'sha256': '" + SHA_B + "', 'size': 1}"));
    }
    ObjectNode tooManyLabels = F.objectNode();
    for (int i = 0; i < Limits.LABELS_MAX + 1; i++) tooManyLabels.put("k" + i, "v");
    ObjectNode tooManySelectors = F.objectNode();
    for (int i = 0; i < Limits.SELECTOR_LABELS_MAX + 1; i++) tooManySelectors.put("label.k" + i, "v");
    ObjectNode wayTooManySelectors = tooManySelectors.deepCopy();
    for (int i = 0; i < 3; i++) wayTooManySelectors.put("label.x" + i, "v");
    return Stream.of(
        // ---------------------------------------------------------------- required
        bad("required: image without id", EntityKind.IMAGE, without(img, "/id"), "id required"),
        bad("required: image id blank", EntityKind.IMAGE, with(img, "/id", "   "), "id required"),
        bad("required: image id JSON null", EntityKind.IMAGE, with(img, "/id", F.nullNode()), "id required"),
        bad("required: image without arch and kernel", EntityKind.IMAGE, without(without(img, "/arch"), "/kernel"),
            "arch required", "kernel required"),
        bad("required: artifact without name, sha256 and size", EntityKind.IMAGE, with(img, "/kernel", json("{}")),
            "kernel.name required", "kernel.sha256 required", "kernel.size required"),
        bad("required: profile without image", EntityKind.PROFILE, without(prof, "/image"), "image required"),
        bad("required: host without mac", EntityKind.HOST, without(host, "/mac"), "mac required"),
        bad("required: host label without a value", EntityKind.HOST, with(host, "/labels/rack", ""),
            "labels.rack required"),
        bad("required: group without profile", EntityKind.GROUP, without(grp, "/profile"), "profile required"),
        bad("required: empty MAC selector", EntityKind.GROUP, with(grp, "/selector/mac", ""), "selector.mac required"),
        bad("required: empty arch selector", EntityKind.GROUP, with(grp, "/selector/arch", " "), "selector.arch required"),
        bad("required: the document is JSON null", EntityKind.PROFILE, F.nullNode(), " required"),

        // ---------------------------------------------------------------- wrong-type
        bad("wrong-type: the document is an array", EntityKind.IMAGE, F.arrayNode(), " wrong-type"),
        bad("wrong-type: the document is a string", EntityKind.HOST, F.textNode("{}"), " wrong-type"),
        bad("wrong-type: id is a number", EntityKind.IMAGE, with(img, "/id", F.numberNode(12)), "id wrong-type"),
        bad("wrong-type: version is a number (12.10 would read as 12.1)", EntityKind.IMAGE,
            with(img, "/version", F.numberNode(12.10)), "version wrong-type"),
        bad("wrong-type: kernel is a string", EntityKind.IMAGE, with(img, "/kernel", "linux"), "kernel wrong-type"),
        bad("wrong-type: initrds is an object", EntityKind.IMAGE, with(img, "/initrds", json("{}")),
            "initrds wrong-type"),
        bad("wrong-type: an initrd is a string", EntityKind.IMAGE, with(img, "/initrds/0", "initrd.gz"),
            "initrds[0] wrong-type"),
        bad("wrong-type: size is a string", EntityKind.IMAGE, with(img, "/kernel/size", "8247232"),
            "kernel.size wrong-type"),
        bad("wrong-type: size is fractional", EntityKind.IMAGE, with(img, "/kernel/size", F.numberNode(1.5)),
            "kernel.size wrong-type"),
        bad("wrong-type: labels is an array", EntityKind.IMAGE, with(img, "/labels", F.arrayNode()),
            "labels wrong-type"),
        bad("wrong-type: a label value is a number", EntityKind.HOST, with(host, "/labels/rack", F.numberNode(1)),
            "labels.rack wrong-type"),
        bad("wrong-type: bootOnce is a string", EntityKind.HOST, with(host, "/bootOnce", "true"), "bootOnce wrong-type"),
        bad("wrong-type: selector is a string", EntityKind.GROUP, with(grp, "/selector", "role=worker"),
            "selector wrong-type"),
        bad("wrong-type: a selector value is a boolean", EntityKind.GROUP,
            with(grp, "/selector/label.role", F.booleanNode(true)), "selector.label.role wrong-type"),

        // ---------------------------------------------------------------- unknown-field
        bad("unknown-field: revision is not part of a document", EntityKind.IMAGE,
            with(img, "/revision", F.numberNode(3)), "revision unknown-field"),
        bad("unknown-field: in an artifact", EntityKind.IMAGE, with(img, "/kernel/path", "/boot/linux"),
            "kernel.path unknown-field"),
        bad("unknown-field: a key that is not a plain name is quoted", EntityKind.PROFILE,
            with(prof, "/menu label", "x"), "[\"menu label\"] unknown-field"),
        bad("unknown-field: a matchbox-style bare label selector", EntityKind.GROUP, with(grp, "/selector/os", "x"),
            "selector.os unknown-field"),
        bad("unknown-field: labels is spelled label on a host", EntityKind.HOST, with(host, "/label", json("{}")),
            "label unknown-field"),

        // ---------------------------------------------------------------- too-long
        bad("too-long: id of 64 characters", EntityKind.IMAGE, with(img, "/id", "a".repeat(64)), "id too-long"),
        bad("too-long: name of 129 characters", EntityKind.GROUP, with(grp, "/name", "n".repeat(129)),
            "name too-long"),
        bad("too-long: version of 65 characters", EntityKind.IMAGE, with(img, "/version", "1".repeat(65)),
            "version too-long"),
        bad("too-long: file name of 129 characters", EntityKind.IMAGE, with(img, "/kernel/name", "k".repeat(129)),
            "kernel.name too-long"),
        bad("too-long: command line of 2048 characters", EntityKind.PROFILE, with(prof, "/cmdline", "a".repeat(2048)),
            "cmdline too-long"),
        bad("too-long: menu label of 129 characters", EntityKind.PROFILE, with(prof, "/menuLabel", "m".repeat(129)),
            "menuLabel too-long"),
        bad("too-long: host name of 254 characters", EntityKind.HOST,
            with(host, "/hostname", ("a".repeat(63) + ".").repeat(4) + "ab"), "hostname too-long"),
        bad("too-long: label key of 64 characters", EntityKind.HOST,
            with(host, "/labels/" + "k".repeat(64), "v"), "labels." + "k".repeat(64) + " too-long"),
        bad("too-long: label value of 64 characters", EntityKind.HOST, with(host, "/labels/rack", "v".repeat(64)),
            "labels.rack too-long"),

        // ---------------------------------------------------------------- too-many
        bad("too-many: 17 initrds", EntityKind.IMAGE, with(img, "/initrds", tooManyInitrds), "initrds too-many"),
        bad("too-many: 33 labels", EntityKind.HOST, with(host, "/labels", tooManyLabels), "labels too-many"),
        bad("too-many: 17 label selectors", EntityKind.GROUP, with(grp, "/selector", tooManySelectors),
            "selector.label too-many"),
        bad("too-many: 20 selector entries", EntityKind.GROUP, with(grp, "/selector", wayTooManySelectors),
            "selector too-many"),

        // ---------------------------------------------------------------- unsafe-name
        bad("unsafe-name: id in upper case", EntityKind.IMAGE, with(img, "/id", "Debian"), "id unsafe-name"),
        bad("unsafe-name: id starting with a dash", EntityKind.GROUP, with(grp, "/id", "-g"), "id unsafe-name"),
        bad("unsafe-name: id with a slash", EntityKind.PROFILE, with(prof, "/id", "a/b"), "id unsafe-name"),
        bad("unsafe-name: reference to an image with a space", EntityKind.PROFILE, with(prof, "/image", "debian 12"),
            "image unsafe-name"),
        bad("unsafe-name: host profile reference with '..'", EntityKind.HOST, with(host, "/profile", "../x"),
            "profile unsafe-name"),
        bad("unsafe-name: kernel ../../etc/passwd", EntityKind.IMAGE, with(img, "/kernel/name", "../../etc/passwd"),
            "kernel.name unsafe-name"),
        bad("unsafe-name: kernel a/b", EntityKind.IMAGE, with(img, "/kernel/name", "boot/linux"),
            "kernel.name unsafe-name"),
        bad("unsafe-name: kernel with a backslash", EntityKind.IMAGE, with(img, "/kernel/name", "boot\\linux"),
            "kernel.name unsafe-name"),
        bad("unsafe-name: initrd with NUL", EntityKind.IMAGE, with(img, "/initrds/0/name", "initrd\u0000.gz"),
            "initrds[0].name unsafe-name"),
        bad("unsafe-name: initrd '..'", EntityKind.IMAGE, with(img, "/initrds/0/name", ".."),
            "initrds[0].name unsafe-name"),
        bad("unsafe-name: initrd with inner '..'", EntityKind.IMAGE, with(img, "/initrds/0/name", "a..b"),
            "initrds[0].name unsafe-name"),
        bad("unsafe-name: hidden file", EntityKind.IMAGE, with(img, "/initrds/0/name", ".initrd"),
            "initrds[0].name unsafe-name"),
        bad("unsafe-name: file name that reads as an option", EntityKind.IMAGE, with(img, "/kernel/name", "-rf"),
            "kernel.name unsafe-name"),
        bad("unsafe-name: file name with a space", EntityKind.IMAGE, with(img, "/kernel/name", "vm linuz"),
            "kernel.name unsafe-name"),
        bad("unsafe-name: URL-encoded dot-dot-slash", EntityKind.IMAGE, with(img, "/kernel/name", "%2e%2e%2fx"),
            "kernel.name unsafe-name"),

        // ---------------------------------------------------------------- bad-char, bad-cmdline, invalid-version
        bad("bad-char: newline in a name", EntityKind.IMAGE, with(img, "/name", "Debian\nMENU HIDDEN"), "name bad-char"),
        bad("bad-char: right-to-left override in a menu label", EntityKind.PROFILE,
            with(prof, "/menuLabel", "Install \u202eevil"), "menuLabel bad-char"),
        bad("bad-char: lone surrogate in a menu label", EntityKind.PROFILE, with(prof, "/menuLabel", "x\ud800"),
            "menuLabel bad-char"),
        bad("bad-char: newline in a command line (an injected menu line)", EntityKind.PROFILE,
            with(prof, "/cmdline", "quiet\nkernel http://evil/x"), "cmdline bad-char"),
        bad("bad-char: tab in a command line", EntityKind.IMAGE, with(img, "/cmdline", "quiet\tsplash"),
            "cmdline bad-char"),
        bad("bad-char: non-ASCII in a command line", EntityKind.IMAGE, with(img, "/cmdline", "hostname=café"),
            "cmdline bad-char"),
        bad("bad-cmdline: unbalanced double quote", EntityKind.PROFILE, with(prof, "/cmdline", "foo=\"a b"),
            "cmdline bad-cmdline"),
        bad("invalid-version: a space", EntityKind.IMAGE, with(img, "/version", "12 10"), "version invalid-version"),
        bad("invalid-version: leading tilde", EntityKind.IMAGE, with(img, "/version", "~rc1"), "version invalid-version"),

        // ---------------------------------------------------------------- bad-sha256, bad-size
        bad("bad-sha256: 63 digits", EntityKind.IMAGE, with(img, "/kernel/sha256", SHA_A.substring(1)),
            "kernel.sha256 bad-sha256"),
        bad("bad-sha256: a non-hex digit", EntityKind.IMAGE, with(img, "/kernel/sha256", "g" + SHA_A.substring(1)),
            "kernel.sha256 bad-sha256"),
        bad("bad-sha256: with a sha256: prefix", EntityKind.IMAGE, with(img, "/initrds/0/sha256", "sha256:" + SHA_B),
            "initrds[0].sha256 bad-sha256"),
        bad("bad-size: zero", EntityKind.IMAGE, with(img, "/kernel/size", F.numberNode(0)), "kernel.size bad-size"),
        bad("bad-size: negative", EntityKind.IMAGE, with(img, "/kernel/size", F.numberNode(-1)), "kernel.size bad-size"),
        bad("bad-size: over 16 GiB", EntityKind.IMAGE, with(img, "/kernel/size", F.numberNode((16L << 30) + 1)),
            "kernel.size bad-size"),
        bad("bad-size: beyond a long", EntityKind.IMAGE,
            with(img, "/kernel/size", F.numberNode(BigInteger.TEN.pow(30))), "kernel.size bad-size"),

        // ---------------------------------------------------------------- unknown-arch
        bad("unknown-arch: image sparc64", EntityKind.IMAGE, with(img, "/arch", "sparc64"), "arch unknown-arch"),
        bad("unknown-arch: image arch given as firmware", EntityKind.IMAGE, with(img, "/arch", "efi-x86_64"),
            "arch unknown-arch"),
        bad("unknown-arch: selector given a CPU arch", EntityKind.GROUP, with(grp, "/selector/arch", "x86_64"),
            "selector.arch unknown-arch"),
        bad("unknown-arch: selector option 93 type 8 has no arch", EntityKind.GROUP, with(grp, "/selector/arch", "8"),
            "selector.arch unknown-arch"),

        // ---------------------------------------------------------------- invalid-mac, invalid-uuid, invalid-ip
        bad("invalid-mac: five octets", EntityKind.HOST, with(host, "/mac", "52:54:00:12:34"), "mac invalid-mac"),
        bad("invalid-mac: pxelinux 01- file name form", EntityKind.HOST, with(host, "/mac", "01-52-54-00-12-34-56"),
            "mac invalid-mac"),
        bad("invalid-mac: mixed separators", EntityKind.HOST, with(host, "/mac", "52:54-00:12:34:56"),
            "mac invalid-mac"),
        bad("invalid-mac: non-hex", EntityKind.GROUP, with(grp, "/selector/mac", "zz:54:00:12:34:56"),
            "selector.mac invalid-mac"),
        bad("invalid-uuid: not a UUID", EntityKind.GROUP, with(grp, "/selector/uuid", "not-a-uuid"),
            "selector.uuid invalid-uuid"),
        bad("invalid-uuid: the nil UUID firmware sends when it has none", EntityKind.GROUP,
            with(grp, "/selector/uuid", "00000000-0000-0000-0000-000000000000"), "selector.uuid invalid-uuid"),
        bad("invalid-uuid: the all-ones placeholder", EntityKind.GROUP,
            with(grp, "/selector/uuid", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"), "selector.uuid invalid-uuid"),
        bad("invalid-ip: octet over 255", EntityKind.HOST, with(host, "/reservedIp", "10.0.0.256"),
            "reservedIp invalid-ip"),
        bad("invalid-ip: leading zero (octal to some tools)", EntityKind.HOST, with(host, "/reservedIp", "010.0.0.1"),
            "reservedIp invalid-ip"),
        bad("invalid-ip: three octets", EntityKind.HOST, with(host, "/reservedIp", "10.0.1"), "reservedIp invalid-ip"),
        bad("invalid-ip: 0.0.0.0/8", EntityKind.HOST, with(host, "/reservedIp", "0.1.2.3"), "reservedIp invalid-ip"),
        bad("invalid-ip: loopback", EntityKind.HOST, with(host, "/reservedIp", "127.0.0.1"), "reservedIp invalid-ip"),
        bad("invalid-ip: multicast", EntityKind.HOST, with(host, "/reservedIp", "224.0.0.1"), "reservedIp invalid-ip"),
        bad("invalid-ip: broadcast", EntityKind.HOST, with(host, "/reservedIp", "255.255.255.255"),
            "reservedIp invalid-ip"),
        bad("invalid-ip: IPv6", EntityKind.HOST, with(host, "/reservedIp", "fe80::1"), "reservedIp invalid-ip"),

        // ---------------------------------------------------------------- invalid-hostname, invalid-label
        bad("invalid-hostname: leading dash", EntityKind.HOST, with(host, "/hostname", "-lab"),
            "hostname invalid-hostname"),
        bad("invalid-hostname: underscore", EntityKind.HOST, with(host, "/hostname", "lab_node"),
            "hostname invalid-hostname"),
        bad("invalid-hostname: empty label", EntityKind.HOST, with(host, "/hostname", "lab..example"),
            "hostname invalid-hostname"),
        bad("invalid-hostname: trailing dot", EntityKind.HOST, with(host, "/hostname", "lab."),
            "hostname invalid-hostname"),
        bad("invalid-label: upper-case key", EntityKind.HOST, with(host, "/labels/Rack", "r1"),
            "labels.Rack invalid-label"),
        bad("invalid-label: empty key", EntityKind.IMAGE, with(img, "/labels/", "x"), "labels[\"\"] invalid-label"),
        bad("invalid-label: value with a space", EntityKind.HOST, with(host, "/labels/rack", "r 1"),
            "labels.rack invalid-label"),
        bad("invalid-label: selector label. with no key", EntityKind.GROUP, with(grp, "/selector/label.", "x"),
            "selector.label[\"\"] invalid-label"),
        bad("invalid-label: selector label key in upper case", EntityKind.GROUP, with(grp, "/selector/label.Role", "x"),
            "selector.label.Role invalid-label"),

        // ---------------------------------------------------------------- duplicate
        bad("duplicate: an initrd named like the kernel", EntityKind.IMAGE, with(img, "/initrds/0/name", "linux"),
            "initrds[0].name duplicate"),
        bad("duplicate: two initrds of one name", EntityKind.IMAGE,
            with(img, "/initrds", F.arrayNode().add(INITRD.toJson()).add(INITRD.toJson())),
            "initrds[1].name duplicate"),

        // ---------------------------------------------------------------- several at once
        bad("several: every error of an image, at once", EntityKind.IMAGE,
            json("{'id': 'Bad Id', 'arch': 'sparc', 'kernel': {'name': '../linux', 'sha256': 'abc', 'size': 0}, "
                + "'initrds': [{'name': 'ok', 'sha256': '" + SHA_B + "', 'size': 1}, {'name': 'ok2', 'sha256': 'x', "
                + "'size': 1}], 'labels': {'os': 1}, 'colour': 'blue'}"),
            "colour unknown-field", "id unsafe-name", "arch unknown-arch", "kernel.name unsafe-name",
            "kernel.sha256 bad-sha256", "kernel.size bad-size", "initrds[1].sha256 bad-sha256", "labels.os wrong-type"),
        bad("several: shape and value errors of a host together", EntityKind.HOST,
            json("{'mac': '52:54:00', 'hostname': 7, 'reservedIp': '300.1.1.1', 'bootOnce': 'yes', "
                + "'labels': {'Rack': 'r1', 'role': ''}}"),
            "mac invalid-mac", "hostname wrong-type", "reservedIp invalid-ip", "bootOnce wrong-type",
            "labels.Rack invalid-label", "labels.role required"),
        bad("several: a group selector's errors, under selector", EntityKind.GROUP,
            json("{'id': 'g', 'selector': {'mac': 'x', 'uuid': 'y', 'arch': 'z', 'label.A': 'b', 'os': 'c'}}"),
            "profile required", "selector.mac invalid-mac", "selector.uuid invalid-uuid", "selector.arch unknown-arch",
            "selector.label.A invalid-label", "selector.os unknown-field"),
        bad("several: an initrd that fails keeps its index for the next", EntityKind.IMAGE,
            with(img, "/initrds", F.arrayNode().add("x").add(json("{'name': 'linux', 'sha256': '" + SHA_B
                + "', 'size': 1}"))), "initrds[0] wrong-type", "initrds[1].name duplicate"));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void parsesAndNormalises(Accepted c) {
    assertEquals(c.expected(), c.kind().parse(c.doc()));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void theDocumentFormParsesBackToTheSameSpec(Accepted c) {
    CatalogSpec spec = c.kind().parse(c.doc());
    assertEquals(spec, c.kind().parse(spec.toJson()));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void roundTripsThroughItsEvent(Accepted c) {
    CatalogSpec spec = c.kind().parse(c.doc());
    var event = spec.toEvent(7, SpecEventsTest.T);
    assertEquals(spec.key(), event.key());
    assertEquals(spec, CatalogSpec.fromEvent(event));
  }

  @ParameterizedTest
  @MethodSource("rejected")
  void rejectsWithNamedErrors(Rejected c) {
    ValidationException e = assertThrows(ValidationException.class, () -> c.kind().parse(c.doc()));
    assertEquals(sorted(c.errors()), sorted(Docs.codes(e)), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("rejected")
  void everyRejectionNamesTheFieldInABoundedMessage(Rejected c) {
    ValidationException e = assertThrows(ValidationException.class, () -> c.kind().parse(c.doc()));
    for (ValidationError error : e.errors()) {
      assertTrue(error.message().length() < 400, error.message());
      assertTrue(error.field().length() < 100, error.field());
      assertTrue(error.message().chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f), error.message());
    }
  }

  @Test
  void errorsBeyondTheLimitAreCountedNotListed() {
    ObjectNode doc = Docs.profile();
    for (int i = 0; i < 500; i++) doc.put("x" + i, i);
    ValidationException e = assertThrows(ValidationException.class, () -> ProfileSpec.parse(doc));
    assertEquals(Limits.ERRORS_MAX, e.errors().size());
    assertEquals(500 - Limits.ERRORS_MAX, e.omitted());
  }

  @Test
  void aConstructorValidatesLikeTheParser() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> new HostSpec("nope", "-x", Map.of("K", "v"), "1.2.3", "P", false));
    assertEquals(List.of("hostname invalid-hostname", "labels.K invalid-label", "mac invalid-mac",
        "profile unsafe-name", "reservedIp invalid-ip"), sorted(Docs.codes(e)));
  }

  @Test
  void anInitrdListWithANullIsRefusedNotThrown() {
    List<ArtifactSpec> initrds = new ArrayList<>();
    initrds.add(null);
    ValidationException e = assertThrows(ValidationException.class,
        () -> new ImageSpec("i", null, null, CpuArch.ARM64, KERNEL, initrds, null, null));
    assertEquals(List.of("initrds[0] required"), Docs.codes(e));
  }

  @Test
  void labelsWithNullKeysOrValuesAreRefusedNotThrown() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(null, "v");
    labels.put("k", null);
    ValidationException e = assertThrows(ValidationException.class,
        () -> new HostSpec(MAC, null, labels, null, null, false));
    assertEquals(List.of("labels.k required", "labels[null] invalid-label"), sorted(Docs.codes(e)));
  }

  static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }
}
