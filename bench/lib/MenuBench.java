/*
 * The client side of bench/menu. Run as a single source file against the classpath of cli/target/pxebus.jar (which
 * holds boot-events, catalog-spec, service-runtime and the Kafka client); not meant to be run by hand:
 *
 *   java -cp pxebus.jar MenuBench.java populate BOOTSTRAP HOSTS GROUPS MACS-FILE
 *   java -cp pxebus.jar MenuBench.java load URL-TEMPLATE CONCURRENCY SECONDS MACS-FILE [WARM-UP-SECONDS]
 *   java -cp pxebus.jar MenuBench.java fetch URL-TEMPLATE MACS-FILE DIR [LIMIT]
 *
 * populate  publishes a catalog to the four catalog topics, as catalog-service would write it: 20 images (14 x86_64,
 *           6 arm64, 1-2 initrds each, 64-hex SHA-256 and sizes), 40 profiles (an install and a rescue profile per
 *           image), HOSTS hosts (labels rack, role and dc, 4 % with their own profile, 10 % boot-once) and GROUPS
 *           groups (one default group; arch, role, role+arch, dc, dc+role, rack, rack+role and rack+role+arch
 *           selectors; 15 % MAC and 5 % UUID selectors). Every entity is built as a catalog-spec (valid by construction) and the whole catalog is
 *           checked with CatalogRules before anything is published; it waits until Kafka acknowledged every record.
 *           Writes MACS-FILE: the machines that will ask for menus, "MAC ARCH UUID" per line (ARCH a DHCP option 93
 *           type: 0 BIOS, 7 EFI x86-64, 11 EFI arm64) — the HOSTS known ones and 5 % more the catalog does not know.
 *           Prints which selection rule each machine's menu will come from (GroupSelector, computed here).
 * load      CONCURRENCY clients, each on its own thread with one HTTP/1.1 keep-alive connection (plain sockets,
 *           reconnecting when the server closes: busybox httpd closes after every response), asking back to back
 *           for the menus of machines drawn at random from MACS-FILE. The first WARM-UP-SECONDS (default 5) are not
 *           measured. Latency: from writing the request (connecting first, if the connection had closed) to the
 *           response's last byte. Prints one line of key=value: rps, p50/p90/p99/max in ms, requests and errors
 *           (measured), connects and all (successful responses, warm-up included), bytes (mean body size).
 * fetch     writes the menu of every machine of MACS-FILE (or the first LIMIT) to DIR + the URL's path, so that a
 *           static server can serve the same menus under the same paths.
 *
 * URL-TEMPLATE placeholders: {mac} (52:54:00:00:00:01), {mac-} (52-54-00-00-00-01), {arch}, {uuid} and {menu}: the
 * name the machine's bootloader asks for — pxelinux.cfg/01-{mac-} for BIOS (pxelinux), grub/grub.cfg-01-{mac-} for
 * UEFI (GRUB). bench/menu uses http://127.0.0.1:PORT/{menu}?arch={arch}&uuid={uuid}, the request tftp-service makes
 * on a bootloader's behalf (the query hints it adds; a static server ignores them).
 */

import dev.pxebus.catalog.spec.ArtifactSpec;
import dev.pxebus.catalog.spec.CatalogRules;
import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.CatalogState;
import dev.pxebus.catalog.spec.Change;
import dev.pxebus.catalog.spec.ClientArch;
import dev.pxebus.catalog.spec.CpuArch;
import dev.pxebus.catalog.spec.GroupSelector;
import dev.pxebus.catalog.spec.GroupSpec;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.Machine;
import dev.pxebus.catalog.spec.ProfileSpec;
import dev.pxebus.catalog.spec.Selector;
import dev.pxebus.catalog.spec.ValidationError;
import dev.pxebus.events.Envelope;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.PublisherOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public final class MenuBench {
  private MenuBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "";
    switch (mode) {
      case "populate" -> {
        need(args, 5, 5);
        populate(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
      }
      case "load" -> {
        need(args, 5, 6);
        load(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]),
            args.length > 5 ? Integer.parseInt(args[5]) : 5);
      }
      case "fetch" -> {
        need(args, 4, 5);
        fetch(args[1], Path.of(args[2]), Path.of(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : -1);
      }
      default -> usage();
    }
  }

  private static void need(String[] args, int min, int max) {
    if (args.length < min || args.length > max) usage();
  }

  private static void usage() {
    System.err.println("usage: MenuBench populate BOOTSTRAP HOSTS GROUPS MACS-FILE\n"
        + "       MenuBench load URL-TEMPLATE CONCURRENCY SECONDS MACS-FILE [WARM-UP-SECONDS]\n"
        + "       MenuBench fetch URL-TEMPLATE MACS-FILE DIR [LIMIT]");
    System.exit(2);
  }

  // ------------------------------------------------------------------------------------------------ the catalog

  /** Hosts per rack: racks are r001, r002, …; the last tenth of them (at least one) hold arm64 machines. */
  private static final int RACK_SIZE = 200;
  private static final String[] DCS = {"fra1", "ams2"};
  private static final String[] ROLES = {"worker", "storage", "gpu", "control", "edge", "lab"};
  /** Which role host i has: 60 % worker, 15 % storage, 10 % gpu, 5 % control, 5 % edge, 5 % lab. */
  private static String role(int i) {
    int r = i % 20;
    return r < 12 ? "worker" : r < 15 ? "storage" : r < 17 ? "gpu" : r < 18 ? "control" : r < 19 ? "edge" : "lab";
  }

  private record Img(String id, String name, String version, CpuArch arch, String kernel, String[] initrds,
      String cmdline, String os) {}

  private static final List<Img> IMAGES = List.of(
      new Img("debian-12-amd64", "Debian 12 netboot", "12.10", CpuArch.X86_64, "linux",
          new String[] {"initrd.gz", "firmware.cpio.gz"}, "priority=critical auto=true", "debian"),
      new Img("debian-11-amd64", "Debian 11 netboot", "11.11", CpuArch.X86_64, "linux",
          new String[] {"initrd.gz"}, "priority=critical auto=true", "debian"),
      new Img("ubuntu-2404-amd64", "Ubuntu 24.04 LTS", "24.04.1", CpuArch.X86_64, "vmlinuz",
          new String[] {"initrd"}, "ip=dhcp", "ubuntu"),
      new Img("ubuntu-2204-amd64", "Ubuntu 22.04 LTS", "22.04.5", CpuArch.X86_64, "vmlinuz",
          new String[] {"initrd"}, "ip=dhcp", "ubuntu"),
      new Img("rocky-9-x86_64", "Rocky Linux 9", "9.5", CpuArch.X86_64, "vmlinuz",
          new String[] {"initrd.img"}, "inst.stage2=http://mirror.lab/rocky/9/BaseOS/x86_64/os", "rocky"),
      new Img("rocky-8-x86_64", "Rocky Linux 8", "8.10", CpuArch.X86_64, "vmlinuz",
          new String[] {"initrd.img"}, "inst.stage2=http://mirror.lab/rocky/8/BaseOS/x86_64/os", "rocky"),
      new Img("alma-9-x86_64", "AlmaLinux 9", "9.5", CpuArch.X86_64, "vmlinuz",
          new String[] {"initrd.img"}, "inst.stage2=http://mirror.lab/alma/9/BaseOS/x86_64/os", "alma"),
      new Img("fedora-41-x86_64", "Fedora 41 Server", "41", CpuArch.X86_64, "vmlinuz",
          new String[] {"initrd.img"}, "inst.stage2=http://mirror.lab/fedora/41/Server/x86_64/os", "fedora"),
      new Img("flatcar-stable-amd64", "Flatcar stable", "4081.2.0", CpuArch.X86_64, "flatcar_production_pxe.vmlinuz",
          new String[] {"flatcar_production_pxe_image.cpio.gz", "oem.cpio.gz"}, "flatcar.first_boot=1", "flatcar"),
      new Img("talos-1-8-amd64", "Talos 1.8", "1.8.3", CpuArch.X86_64, "vmlinuz-amd64",
          new String[] {"initramfs-amd64.xz"}, "talos.platform=metal slab_nomerge pti=on", "talos"),
      new Img("alpine-3-20-x86_64", "Alpine 3.20", "3.20.3", CpuArch.X86_64, "vmlinuz-lts",
          new String[] {"initramfs-lts", "modloop-lts"},
          "modules=loop,squashfs alpine_repo=http://mirror.lab/alpine/v3.20/main", "alpine"),
      new Img("opensuse-15-6-x86_64", "openSUSE Leap 15.6", "15.6", CpuArch.X86_64, "linux",
          new String[] {"initrd"}, "install=http://mirror.lab/opensuse/leap/15.6/repo/oss", "opensuse"),
      new Img("systemrescue-11-amd64", "SystemRescue 11", "11.02", CpuArch.X86_64, "vmlinuz",
          new String[] {"sysresccd.img", "intel_ucode.img"}, "archisobasedir=sysresccd copytoram", "systemrescue"),
      new Img("clonezilla-3-amd64", "Clonezilla live 3", "3.2.0-5", CpuArch.X86_64, "vmlinuz",
          new String[] {"initrd.img"}, "boot=live union=overlay noswap nomodeset", "clonezilla"),
      new Img("debian-12-arm64", "Debian 12 netboot (arm64)", "12.10", CpuArch.ARM64, "linux",
          new String[] {"initrd.gz", "firmware.cpio.gz"}, "priority=critical auto=true", "debian"),
      new Img("ubuntu-2404-arm64", "Ubuntu 24.04 LTS (arm64)", "24.04.1", CpuArch.ARM64, "vmlinuz",
          new String[] {"initrd"}, "ip=dhcp", "ubuntu"),
      new Img("rocky-9-aarch64", "Rocky Linux 9 (aarch64)", "9.5", CpuArch.ARM64, "vmlinuz",
          new String[] {"initrd.img"}, "inst.stage2=http://mirror.lab/rocky/9/BaseOS/aarch64/os", "rocky"),
      new Img("fedora-41-aarch64", "Fedora 41 Server (aarch64)", "41", CpuArch.ARM64, "vmlinuz",
          new String[] {"initrd.img"}, "inst.stage2=http://mirror.lab/fedora/41/Server/aarch64/os", "fedora"),
      new Img("flatcar-stable-arm64", "Flatcar stable (arm64)", "4081.2.0", CpuArch.ARM64,
          "flatcar_production_pxe.vmlinuz", new String[] {"flatcar_production_pxe_image.cpio.gz", "oem.cpio.gz"},
          "flatcar.first_boot=1", "flatcar"),
      new Img("talos-1-8-arm64", "Talos 1.8 (arm64)", "1.8.3", CpuArch.ARM64, "vmlinuz-arm64",
          new String[] {"initramfs-arm64.xz"}, "talos.platform=metal slab_nomerge pti=on", "talos"));

  /** A machine that asks for menus: its MAC, its firmware (DHCP option 93 type) and its SMBIOS UUID. */
  private record Asker(String mac, int arch, String uuid) {}

  private static String mac(int prefix, int i) {
    return String.format("52:54:%02x:%02x:%02x:%02x", prefix, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  }

  private static String uuid(int prefix, int i) {
    return String.format("4c4c4544-%04x-1000-8000-%012x", prefix, i);
  }

  private static boolean armRack(int rack, int racks) {
    return rack >= racks - Math.max(1, racks / 10);
  }

  private static String rackName(int rack) {
    return String.format("r%03d", rack + 1);
  }

  /** Option 93 type of host i: arm64 racks EFI arm64; elsewhere 30 % BIOS, 70 % EFI x86-64. */
  private static int archOf(int i, int racks) {
    if (armRack(i / RACK_SIZE, racks)) return 11;
    return i % 10 < 3 ? 0 : 7;
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static void populate(String bootstrap, int hostCount, int groupCount, Path macsFile) throws Exception {
    if (hostCount < 1 || hostCount > 1 << 20) throw new IllegalArgumentException("HOSTS: 1 to 1048576");
    int racks = (hostCount + RACK_SIZE - 1) / RACK_SIZE;

    List<ImageSpec> images = new ArrayList<>();
    for (Img m : IMAGES) {
      ArtifactSpec kernel = new ArtifactSpec(m.kernel(), sha256(m.id() + "/" + m.kernel()),
          6_000_000 + Math.floorMod(m.id().hashCode(), 6_000_000));
      List<ArtifactSpec> initrds = new ArrayList<>();
      for (int k = 0; k < m.initrds().length; k++) {
        initrds.add(new ArtifactSpec(m.initrds()[k], sha256(m.id() + "/" + m.initrds()[k]),
            (k == 0 ? 30_000_000 : 2_000_000) + Math.floorMod((m.id() + k).hashCode(), 40_000_000)));
      }
      images.add(new ImageSpec(m.id(), m.name(), m.version(), m.arch(), kernel, initrds, m.cmdline(),
          Map.of("os", m.os(), "arch", m.arch().wire())));
    }
    List<ProfileSpec> profiles = new ArrayList<>();
    List<ProfileSpec> x86 = new ArrayList<>();
    List<ProfileSpec> arm = new ArrayList<>();
    for (ImageSpec im : images) {
      ProfileSpec install = new ProfileSpec(im.id() + "-install", im.id(),
          "console=tty0 console=ttyS0,115200n8 url=http://10.0.0.5:8080/autoinstall/" + im.id() + ".cfg",
          "Install " + im.name() + " (unattended)");
      ProfileSpec rescue = new ProfileSpec(im.id() + "-rescue", im.id(), "console=ttyS0,115200n8 single nomodeset",
          "Rescue: " + im.name());
      for (ProfileSpec p : List.of(install, rescue)) {
        profiles.add(p);
        (im.arch() == CpuArch.ARM64 ? arm : x86).add(p);
      }
    }

    List<HostSpec> hosts = new ArrayList<>();
    List<Asker> askers = new ArrayList<>();
    List<Integer> labHosts = new ArrayList<>();
    for (int i = 0; i < hostCount; i++) {
      int rack = i / RACK_SIZE;
      int arch = archOf(i, racks);
      List<ProfileSpec> family = arch == 11 ? arm : x86;
      String own = i % 25 == 0 ? family.get((i / 25) % family.size()).id() : null;
      int block = i / 250;
      String ip = "10." + (20 + block / 250) + "." + (block % 250) + "." + (i % 250 + 1);
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("rack", rackName(rack));
      labels.put("role", role(i));
      labels.put("dc", DCS[rack % 2]);
      String mac = mac(0, i + 1);
      hosts.add(new HostSpec(mac, String.format("node-%05d", i + 1), labels, ip, own, i % 10 == 3));
      askers.add(new Asker(mac, arch, uuid(0, i + 1)));
      if (role(i).equals("lab")) labHosts.add(i);
    }
    // Machines the catalog does not know ask too: 5 %, EFI x86-64 or BIOS.
    for (int j = 0; j < Math.max(1, hostCount / 20); j++) {
      askers.add(new Asker(mac(1, j + 1), j % 3 == 0 ? 0 : 7, uuid(1, j + 1)));
    }

    List<GroupSpec> groups = groups(groupCount, racks, x86, arm, hosts, askers, labHosts);

    // Every cross-entity rule of catalog-service, checked against the finished catalog: each entity as if it were
    // put last (the state already holding it, as CatalogRules compares against other entities only).
    CatalogState state = new CatalogState(byKey(images), byKey(profiles), byKey(hosts), byKey(groups));
    List<ValidationError> errors = new ArrayList<>();
    for (List<? extends CatalogSpec> kind : List.of(images, profiles, groups, hosts)) {
      for (CatalogSpec s : kind) errors.addAll(CatalogRules.check(state, Change.put(s)));
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException(errors.size() + " catalog rule(s) broken, first: " + errors.get(0));
    }

    // What each asking machine will be given, by the rule that decides (host profile, group by its selector, the
    // default group) — GroupSelector is the rule menu-service applies.
    Map<String, Integer> mix = new TreeMap<>();
    for (Asker a : askers) {
      HostSpec h = state.hosts().get(a.mac());
      String why;
      if (h != null && h.profile() != null) {
        why = "host's own profile";
      } else {
        Machine m = Machine.of(a.mac(), ClientArch.fromOption93(a.arch()).orElse(null), a.uuid(), h);
        Optional<GroupSelector.Selection> s = GroupSelector.select(state.groups().values(), m);
        why = s.isEmpty() ? "default menu" : s.get().kind() == GroupSelector.Kind.DEFAULT_GROUP ? "default group"
            : "group by " + String.join("+", s.get().group().selector().toMap().keySet());
      }
      mix.merge((h == null ? "unknown machine: " : "known host: ") + why, 1, Integer::sum);
    }

    StringBuilder out = new StringBuilder();
    for (Asker a : askers) out.append(a.mac()).append(' ').append(a.arch()).append(' ').append(a.uuid()).append('\n');
    Files.writeString(macsFile, out);

    long t0 = System.nanoTime();
    PublisherOptions options = PublisherOptions.builder(bootstrap).clientId("menu-bench-populate")
        .source("/pxebus/bench/menu-populate").build();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    try (EventPublisher publisher = EventPublisher.start(options, new SimpleMeterRegistry())) {
      publisher.topicsReady().toCompletableFuture().get(120, TimeUnit.SECONDS);
      long revision = 0;
      Instant now = Instant.now();
      // In dependency order, as catalog-service would have written them: images, profiles, hosts, groups.
      for (List<? extends CatalogSpec> kind : List.of(images, profiles, hosts, groups)) {
        for (CatalogSpec s : kind) {
          acks.add(publisher.publishConfirmed(Envelope.of(publisher.source(), s.toEvent(++revision, now)))
              .toCompletableFuture());
        }
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
    }
    System.out.printf(Locale.ROOT, "published %d images, %d profiles, %d hosts, %d groups (%d records) in %.1f s; "
            + "%d machines in %s (%d unknown to the catalog)%n", images.size(), profiles.size(), hosts.size(),
        groups.size(), acks.size(), (System.nanoTime() - t0) / 1e9, askers.size(), macsFile,
        askers.size() - hosts.size());
    System.out.printf(Locale.ROOT, "groups by selector: %s%n", groupKinds(groups));
    mix.forEach((k, v) -> System.out.printf(Locale.ROOT, "menus from: %s: %d%n", k, v));
  }

  private static String groupKinds(List<GroupSpec> groups) {
    Map<String, Integer> kinds = new TreeMap<>();
    for (GroupSpec g : groups) {
      kinds.merge(g.isDefault() ? "(default)" : String.join("+", g.selector().toMap().keySet()), 1, Integer::sum);
    }
    return kinds.toString();
  }

  private static <S extends CatalogSpec> Map<String, S> byKey(List<S> specs) {
    Map<String, S> m = new TreeMap<>();
    for (S s : specs) {
      if (m.put(s.key(), s) != null) throw new IllegalStateException("duplicate key " + s.key());
    }
    return m;
  }

  /**
   * The groups, most general first, until there are {@code count}: the default group; one per arch; one per role;
   * role × arch; per data centre and data centre × role; per rack; rack × role; rack × role × arch (the arches the rack holds). 15 % of them select a "lab"
   * machine by MAC and 5 % by UUID: lab machines have no role group, so those selectors decide their menus.
   */
  private static List<GroupSpec> groups(int count, int racks, List<ProfileSpec> x86, List<ProfileSpec> arm,
      List<HostSpec> hosts, List<Asker> askers, List<Integer> labHosts) {
    int macGroups = Math.min(labHosts.size(), Math.max(1, count * 15 / 100));
    int uuidGroups = Math.min(labHosts.size() - macGroups, Math.max(1, count * 5 / 100));
    List<GroupSpec> tiers = new ArrayList<>();
    String[][] arches = {{"bios", "x"}, {"efi-x86_64", "x"}, {"efi-arm64", "a"}};
    tiers.add(group("default", "Default: install Debian 12", x86.get(0), Map.of()));
    for (String[] a : arches) {
      tiers.add(group("arch-" + a[0], "All " + a[0] + " machines", pick(a[1], a[0], x86, arm),
          Map.of("arch", a[0])));
    }
    for (String role : ROLES) {
      if (role.equals("lab")) continue; // the lab machines are chosen by MAC or UUID
      tiers.add(group("role-" + role, "Role " + role, pick("x", role, x86, arm), Map.of("label.role", role)));
    }
    for (String role : ROLES) {
      if (role.equals("lab")) continue;
      for (String[] a : arches) {
        tiers.add(group("role-" + role + "-" + a[0], "Role " + role + ", " + a[0], pick(a[1], role + a[0], x86, arm),
            Map.of("label.role", role, "arch", a[0])));
      }
    }
    for (String dc : DCS) {
      tiers.add(group("dc-" + dc, "Data centre " + dc, pick("x", dc, x86, arm), Map.of("label.dc", dc)));
      for (String role : ROLES) {
        if (role.equals("lab")) continue;
        tiers.add(group("dc-" + dc + "-" + role, "Data centre " + dc + " " + role, pick("x", dc + role, x86, arm),
            Map.of("label.dc", dc, "label.role", role)));
      }
    }
    for (int r = 0; r < racks; r++) {
      String fam = armRack(r, racks) ? "a" : "x";
      tiers.add(group("rack-" + rackName(r), "Rack " + rackName(r), pick(fam, rackName(r), x86, arm),
          Map.of("label.rack", rackName(r))));
    }
    for (int r = 0; r < racks; r++) {
      String fam = armRack(r, racks) ? "a" : "x";
      for (String role : ROLES) {
        if (role.equals("lab")) continue;
        tiers.add(group("rack-" + rackName(r) + "-" + role, "Rack " + rackName(r) + " " + role,
            pick(fam, rackName(r) + role, x86, arm), Map.of("label.rack", rackName(r), "label.role", role)));
      }
    }
    for (int r = 0; r < racks; r++) {
      boolean a = armRack(r, racks);
      for (String role : ROLES) {
        if (role.equals("lab")) continue;
        for (String arch : a ? new String[] {"efi-arm64"} : new String[] {"bios", "efi-x86_64"}) {
          tiers.add(group("rack-" + rackName(r) + "-" + role + "-" + arch, "Rack " + rackName(r) + " " + role + " "
                  + arch, pick(a ? "a" : "x", rackName(r) + role + arch, x86, arm),
              Map.of("label.rack", rackName(r), "label.role", role, "arch", arch)));
        }
      }
    }
    int fromTiers = count - macGroups - uuidGroups;
    if (fromTiers > tiers.size()) {
      throw new IllegalArgumentException("GROUPS: at most " + (tiers.size() + macGroups + uuidGroups)
          + " distinct groups for " + hosts.size() + " hosts");
    }
    List<GroupSpec> out = new ArrayList<>(tiers.subList(0, Math.max(1, fromTiers)));
    for (int k = 0; k < macGroups + uuidGroups; k++) {
      int i = labHosts.get(k);
      Asker a = askers.get(i);
      String fam = a.arch() == 11 ? "a" : "x";
      boolean byMac = k < macGroups;
      String id = (byMac ? "mac-" : "uuid-") + hosts.get(i).hostname();
      out.add(group(id, "Lab machine " + hosts.get(i).hostname(), pick(fam, id, x86, arm),
          byMac ? Map.of("mac", a.mac()) : Map.of("uuid", a.uuid())));
    }
    return out;
  }

  private static ProfileSpec pick(String family, String seed, List<ProfileSpec> x86, List<ProfileSpec> arm) {
    List<ProfileSpec> f = family.equals("a") ? arm : x86;
    return f.get(Math.floorMod(seed.hashCode(), f.size()));
  }

  private static GroupSpec group(String id, String name, ProfileSpec profile, Map<String, String> selector) {
    return new GroupSpec(id, name, profile.id(), Selector.of(selector));
  }

  // ------------------------------------------------------------------------------------------------- the client

  private static List<Asker> readAskers(Path file) throws IOException {
    List<Asker> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] f = line.trim().split("\\s+");
      out.add(new Asker(f[0], Integer.parseInt(f[1]), f[2]));
    }
    if (out.isEmpty()) throw new IllegalArgumentException(file + ": no machines");
    return out;
  }

  /** The request target (path and query) of a URL template for one machine. */
  private static String target(URI template, Asker a) {
    String dashes = a.mac().replace(':', '-');
    String menu = a.arch() == 0 ? "pxelinux.cfg/01-" + dashes : "grub/grub.cfg-01-" + dashes;
    String t = template.getRawPath() + (template.getRawQuery() == null ? "" : "?" + template.getRawQuery());
    return t.replace("%7B", "{").replace("%7D", "}").replace("{menu}", menu).replace("{mac-}", dashes)
        .replace("{mac}", a.mac()).replace("{arch}", Integer.toString(a.arch())).replace("{uuid}", a.uuid());
  }

  private static URI template(String raw) {
    // The braces are not URI characters: parse a stand-in, keep the raw path and query.
    URI u = URI.create(raw.replace("{", "%7B").replace("}", "%7D"));
    if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
      throw new IllegalArgumentException("URL-TEMPLATE: http://HOST:PORT/…, not " + raw);
    }
    return u;
  }

  /** One HTTP/1.1 connection, reopened when the server closes it. Blocking; one per client thread. */
  private static final class Connection implements AutoCloseable {
    private final InetSocketAddress address;
    private final String hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    long connects;
    int status;
    byte[] body = new byte[0];
    int bodyLength;

    Connection(URI u) {
      address = new InetSocketAddress(u.getHost(), u.getPort());
      hostHeader = u.getHost() + ":" + u.getPort();
    }

    /** Sends the request and reads the whole response; the status and body are left in the fields. */
    void get(String target) throws IOException {
      if (socket == null) {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        socket.connect(address, 10_000);
        in = new BufferedInputStream(socket.getInputStream(), 16384);
        out = socket.getOutputStream();
        connects++;
      }
      out.write(("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: pxebus-menu-bench\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("bad status line: " + statusLine);
      status = Integer.parseInt(parts[1]);
      boolean keepAlive = parts[0].equals("HTTP/1.1");
      long length = -1;
      boolean chunked = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon < 0) continue;
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.contains("chunked");
          case "connection" -> keepAlive = value.contains("keep-alive") || (keepAlive && !value.contains("close"));
          default -> { }
        }
      }
      bodyLength = 0;
      if (chunked) {
        for (long n = Long.parseLong(line().split(";")[0].trim(), 16); n > 0;
            n = Long.parseLong(line().split(";")[0].trim(), 16)) {
          readBody(n);
          line();
        }
        while (!line().isEmpty()) { } // trailers
      } else if (length >= 0) {
        readBody(length);
      } else {
        readBody(Long.MAX_VALUE); // to the end of the connection
        keepAlive = false;
      }
      if (!keepAlive) close();
    }

    private void readBody(long n) throws IOException {
      while (n > 0) {
        if (bodyLength == body.length) {
          if (n == Long.MAX_VALUE || body.length < bodyLength + n) body = Arrays.copyOf(body, Math.max(8192,
              (int) Math.min(Integer.MAX_VALUE - 8, n == Long.MAX_VALUE ? body.length * 2L : bodyLength + n)));
        }
        int r = in.read(body, bodyLength, (int) Math.min(body.length - bodyLength, n));
        if (r < 0) {
          if (n == Long.MAX_VALUE) return;
          throw new EOFException("connection closed in the body");
        }
        bodyLength += r;
        if (n != Long.MAX_VALUE) n -= r;
      }
    }

    private final StringBuilder lineBuf = new StringBuilder();

    private String line() throws IOException {
      lineBuf.setLength(0);
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) throw new EOFException("connection closed by the server");
        if (c != '\r') lineBuf.append((char) c);
      }
      return lineBuf.toString();
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing: nothing to do
        }
      }
      socket = null;
    }
  }

  /** Latencies of one client thread, in nanoseconds. */
  private static final class Samples {
    long[] v = new long[1 << 16];
    int n;

    void add(long x) {
      if (n == v.length) v = Arrays.copyOf(v, v.length * 2);
      v[n++] = x;
    }
  }

  private static void load(String url, int concurrency, int seconds, Path macsFile, int warmUp) throws Exception {
    URI u = template(url);
    List<Asker> askers = readAskers(macsFile);
    String[] targets = askers.stream().map(a -> target(u, a)).toArray(String[]::new);
    long start = System.nanoTime() + 200_000_000L; // every thread started and connected first
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmUp);
    long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    Samples[] samples = new Samples[concurrency];
    AtomicLong errors = new AtomicLong();
    AtomicLong connects = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong completed = new AtomicLong();
    Map<String, AtomicInteger> errorKinds = new ConcurrentHashMap<>();
    Thread[] threads = new Thread[concurrency];
    for (int t = 0; t < concurrency; t++) {
      Samples s = samples[t] = new Samples();
      SplittableRandom random = new SplittableRandom(0x5eed + t);
      threads[t] = new Thread(() -> {
        long b = 0;
        long done = 0;
        try (Connection c = new Connection(u)) {
          while (System.nanoTime() < start) Thread.onSpinWait();
          for (long t0 = System.nanoTime(); t0 < measureTo; t0 = System.nanoTime()) {
            String target = targets[random.nextInt(targets.length)];
            boolean ok;
            String why = null;
            try {
              c.get(target);
              ok = c.status == 200;
              if (!ok) why = "HTTP " + c.status;
            } catch (IOException | RuntimeException e) {
              ok = false;
              why = e.getClass().getSimpleName() + ": " + e.getMessage();
              c.close();
            }
            long t1 = System.nanoTime();
            if (ok) done++;
            if (t0 >= measureFrom && t1 <= measureTo) {
              if (ok) {
                s.add(t1 - t0);
                b += c.bodyLength;
              } else {
                errors.incrementAndGet();
                errorKinds.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
              }
            }
          }
          connects.addAndGet(c.connects);
        }
        bytes.addAndGet(b);
        completed.addAndGet(done);
      }, "client-" + t);
      threads[t].start();
    }
    for (Thread t : threads) t.join();
    int total = 0;
    for (Samples s : samples) total += s.n;
    long[] all = new long[total];
    int k = 0;
    for (Samples s : samples) {
      System.arraycopy(s.v, 0, all, k, s.n);
      k += s.n;
    }
    Arrays.sort(all);
    System.out.printf(Locale.ROOT, "rps=%.1f p50=%.3f p90=%.3f p99=%.3f max=%.3f requests=%d errors=%d "
            + "connects=%d bytes=%.0f machines=%d all=%d%n", total / (double) seconds, ms(all, 0.50), ms(all, 0.90),
        ms(all, 0.99), total == 0 ? Double.NaN : all[total - 1] / 1e6, total, errors.get(), connects.get(),
        total == 0 ? 0.0 : bytes.get() / (double) total, askers.size(),
        completed.get());
    errorKinds.entrySet().stream().sorted((a, b) -> b.getValue().get() - a.getValue().get()).limit(5)
        .forEach(e -> System.err.println("  errors: " + e.getValue() + " × " + e.getKey()));
  }

  /** The q-quantile in milliseconds, nearest rank. */
  private static double ms(long[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static void fetch(String url, Path macsFile, Path dir, int limit) throws Exception {
    URI u = template(url);
    List<Asker> askers = readAskers(macsFile);
    if (limit >= 0 && limit < askers.size()) askers = askers.subList(0, limit);
    List<Asker> todo = askers;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger written = new AtomicInteger();
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    long t0 = System.nanoTime();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        try (Connection c = new Connection(u)) {
          for (int i = next.getAndIncrement(); i < todo.size(); i = next.getAndIncrement()) {
            String target = target(u, todo.get(i));
            try {
              c.get(target);
              if (c.status != 200) {
                failures.computeIfAbsent("HTTP " + c.status, k -> new AtomicInteger()).incrementAndGet();
                continue;
              }
              int q = target.indexOf('?');
              Path file = dir.resolve((q < 0 ? target : target.substring(0, q)).substring(1)).normalize();
              if (!file.startsWith(dir)) throw new IOException("path outside " + dir + ": " + target);
              Files.createDirectories(file.getParent());
              Files.write(file, Arrays.copyOf(c.body, c.bodyLength));
              written.incrementAndGet();
            } catch (IOException e) {
              c.close();
              failures.computeIfAbsent(e.toString(), k -> new AtomicInteger()).incrementAndGet();
            }
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) t.join();
    int failed = failures.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.printf(Locale.ROOT, "fetched=%d failed=%d seconds=%.1f%n", written.get(), failed,
        (System.nanoTime() - t0) / 1e9);
    failures.forEach((k, v) -> System.err.println("  fetch failures: " + v + " × " + k));
    if (failed > 0) System.exit(1);
  }
}
