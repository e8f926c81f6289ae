package dev.pxebus.menu.select;

import dev.pxebus.catalog.spec.CatalogState;
import dev.pxebus.catalog.spec.ClientArch;
import dev.pxebus.catalog.spec.Cmdline;
import dev.pxebus.catalog.spec.GroupSelector;
import dev.pxebus.catalog.spec.GroupSelector.Selection;
import dev.pxebus.catalog.spec.GroupSpec;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.Machine;
import dev.pxebus.catalog.spec.ProfileSpec;
import dev.pxebus.events.Mac;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.menu.render.MenuModel;
import dev.pxebus.menu.render.MenuModel.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which menu a machine gets. Pure: no clock, no I/O — the catalog, the request, whether a boot-once host has
 * installed and the options are all arguments, and the same arguments give an equal plan. The rules, first that
 * applies wins:
 *
 * <ol>
 *   <li>{@link MenuSelection#HOST}: the machine's host entry has its own profile: that profile's entry, booted by
 *       default, plus local boot.
 *   <li>{@link MenuSelection#GROUP} / {@link MenuSelection#DEFAULT_GROUP}: the group {@link GroupSelector#select}
 *       picks for the machine (MAC, arch, UUID, the host entry's labels): its profile's entry plus local boot. When
 *       the most specific group cannot be booted, the default group is tried next.
 *   <li>{@link MenuSelection#DEFAULT_MENU}: one entry per image the machine can run, by image id, with local boot as
 *       the default — nothing is installed unasked.
 * </ol>
 *
 * {@link MenuSelection#LOCAL_BOOT}: a host flagged {@code bootOnce} whose install has been reported gets, in place of
 * the profile rule 1 or 2 would give it, a menu of local boot only, at once. It is decided when the profile is chosen,
 * before the profile is checked: an installed machine boots its disk even while its profile is being edited.
 *
 * <p>A chosen profile that cannot be booted — it or its image missing (the catalog is eventually consistent, so a
 * profile may for a moment arrive before its image) or the image built for a processor the machine's known arch
 * cannot run — is passed over for the next rule, and the reason says so.
 */
public final class MenuPlanner {
  /**
   * Stands for an unknown MAC in the {@link Machine} {@link GroupSelector} needs: no selector can name it (the
   * catalog refuses the null address in a {@code mac} selector), so only arch, UUID and default groups can match.
   */
  private static final String NO_MAC = "00:00:00:00:00:00";
  private static final String UNKNOWN_MACHINE = "unknown machine";
  private static final int MAC_HINT_MAX = 64;
  private static final int ARCH_HINT_MAX = 32;

  private MenuPlanner() {}

  /**
   * @param catalog the catalog as this replica has it
   * @param request the machine's hints (untrusted: a bad MAC is an unknown MAC, a bad arch or UUID an unknown one)
   * @param bootOnce asked only about the machine's host, and only when it is flagged boot-once
   * @param options timeout, local-boot method, file base and title prefix
   */
  public static MenuPlan plan(CatalogState catalog, MenuRequest request, BootOnce bootOnce, PlannerOptions options) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(bootOnce, "bootOnce");
    Objects.requireNonNull(options, "options");
    String mac = macOrNull(request.mac());
    ClientArch arch = clientArch(request.arch());
    HostSpec host = mac == null ? null : catalog.hosts().get(mac);
    Machine machine = Machine.of(mac == null ? NO_MAC : mac, arch, request.uuid(), host);
    boolean installed = host != null && host.bootOnce() && bootOnce.installed(host);
    Planning p = new Planning(catalog, options, title(options, mac, host), arch);

    // 1. The host's own profile.
    if (host != null && host.profile() != null) {
      String who = "host " + mac;
      if (installed) return p.localBoot(who + ": boot-once profile " + host.profile() + " installed: local boot");
      String why = who + ": own profile " + host.profile();
      Optional<MenuPlan> plan = p.profile(MenuSelection.HOST, host.profile(), null, why, why);
      if (plan.isPresent()) return plan.get();
    }

    // 2. The most specific matching group, else the default group.
    Optional<Selection> chosen = GroupSelector.select(catalog.groups().values(), machine);
    if (chosen.isPresent()) {
      Selection s = chosen.get();
      boolean byDefault = s.kind() == GroupSelector.Kind.DEFAULT_GROUP;
      // GroupSelector names the machine by its MAC: not the placeholder.
      String why = byDefault && mac == null ? "no group matched an unknown MAC; default group " + s.group().id()
          : s.reason();
      Optional<MenuPlan> plan = p.group(s.group(), byDefault, why, mac, installed);
      if (plan.isPresent()) return plan.get();
      if (!byDefault) {
        List<GroupSpec> defaults = catalog.groups().values().stream().filter(GroupSpec::isDefault).toList();
        Optional<Selection> fallback = GroupSelector.select(defaults, machine);
        if (fallback.isPresent()) {
          GroupSpec d = fallback.get().group();
          plan = p.group(d, true, "default group " + d.id(), mac, installed);
          if (plan.isPresent()) return plan.get();
        }
      }
    }

    // 3. Every image the machine can run; local boot by default.
    return p.defaultMenu(chosen.isPresent() ? null : "no group matched " + (mac == null ? "an unknown MAC" : mac));
  }

  /**
   * A client's architecture hint, or null when it gives none this planner knows (tolerated: the menu then offers
   * every image). Accepted, in any case and with surrounding blanks:
   *
   * <ul>
   *   <li>a DHCP option 93 type in decimal, zero-padded or not ({@code 7}, {@code 00007}; RFC 4578 §2.1), as
   *       tftp-service passes it on in the {@code arch} query hint;
   *   <li>a {@link ClientArch} wire name ({@code bios}, {@code efi-ia32}, {@code efi-x86_64}, {@code efi-arm32},
   *       {@code efi-arm64});
   *   <li>iPXE's {@code ${platform}-${buildarch}}: {@code pcbios-i386} and {@code pcbios-x86_64} are {@code bios}
   *       (a BIOS ROM runs either), {@code efi-x64} is {@code efi-x86_64}, {@code efi-i386} is {@code efi-ia32};
   *       {@code efi-x86_64}, {@code efi-arm64} and {@code efi-arm32} are wire names already.
   * </ul>
   */
  public static ClientArch clientArch(String raw) {
    if (raw == null) return null;
    String t = raw.strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.length() > ARCH_HINT_MAX) return null;
    if (t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      String digits = t.replaceFirst("^0+(?=.)", "");
      // Option 93 is 16 bits: more digits cannot be a type (and would overflow parseInt).
      return digits.length() > 5 ? null : ClientArch.fromOption93(Integer.parseInt(digits)).orElse(null);
    }
    for (ClientArch a : ClientArch.values()) if (a.wire().equals(t)) return a;
    return switch (t) {
      case "pcbios-i386", "pcbios-x86_64" -> ClientArch.BIOS;
      case "efi-x64" -> ClientArch.EFI_X86_64;
      case "efi-i386" -> ClientArch.EFI_IA32;
      default -> null;
    };
  }

  /** The canonical MAC of a hint, or null when it is not a machine's (unparseable, null, multicast or broadcast). */
  /** The client MAC a hint names, canonical; null for none, a malformed one, a group address or 00:00:00:00:00:00. */
  public static String macOrNull(String raw) {
    if (raw == null || raw.length() > MAC_HINT_MAX || !Mac.isValid(raw)) return null;
    String mac = Mac.canonical(raw);
    // IEEE 802 I/G bit: a group address is never a client's; the null address is tftp-service's "cannot name it".
    boolean group = (Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0;
    return group || mac.equals(NO_MAC) ? null : mac;
  }

  private static String title(PlannerOptions options, String mac, HostSpec host) {
    String name = host != null && host.hostname() != null ? host.hostname() : mac != null ? mac : UNKNOWN_MACHINE;
    return options.titlePrefix() + ": " + name;
  }

  /** One planning: the reasons of rules passed over, in order, and how menus are built. */
  private static final class Planning {
    private final CatalogState catalog;
    private final PlannerOptions options;
    private final String title;
    private final ClientArch arch;
    private final List<String> passedOver = new ArrayList<>();

    Planning(CatalogState catalog, PlannerOptions options, String title, ClientArch arch) {
      this.catalog = catalog;
      this.options = options;
      this.title = title;
      this.arch = arch;
    }

    /** The group's profile, local boot for an installed boot-once host, or empty (passed over, reason noted). */
    Optional<MenuPlan> group(GroupSpec g, boolean byDefault, String why, String mac, boolean installed) {
      if (installed) {
        return Optional.of(localBoot(why + "; host " + mac + ": boot-once profile " + g.profile()
            + " installed: local boot"));
      }
      MenuSelection by = byDefault ? MenuSelection.DEFAULT_GROUP : MenuSelection.GROUP;
      return profile(by, g.profile(), g.id(), why, why + ": profile " + g.profile());
    }

    /**
     * The profile's entry booted by default, plus local boot; empty when it cannot be booted.
     *
     * @param why the reason when it can be
     * @param subject what is noted, followed by the problem, when it cannot be ({@code …: profile p})
     */
    Optional<MenuPlan> profile(MenuSelection by, String profileId, String groupId, String why, String subject) {
      ProfileSpec profile = catalog.profiles().get(profileId);
      ImageSpec image = profile == null ? null : catalog.images().get(profile.image());
      String problem = profile == null ? " missing"
          : image == null ? ": image " + profile.image() + " missing"
          : !runs(image) ? ": image " + image.id() + " is for " + image.arch() + ", which " + arch + " cannot run"
          : null;
      if (problem != null) {
        passedOver.add(subject + problem);
        return Optional.empty();
      }
      String id = menuId(profile.id(), Set.of());
      Entry entry = entry(id, profile.label(image), image, Cmdline.merge(image.cmdline(), profile.cmdline()));
      String reason = reason(why);
      return Optional.of(new MenuPlan(by, profile.id(), groupId, reason,
          model(List.of(entry), id, options.timeoutSeconds(), reason)));
    }

    MenuPlan localBoot(String why) {
      String reason = reason(why);
      return new MenuPlan(MenuSelection.LOCAL_BOOT, null, null, reason, model(List.of(), MenuModel.LOCAL_ID, 0, reason));
    }

    /** @param noGroup why no group was tried, or null when groups were tried and passed over */
    MenuPlan defaultMenu(String noGroup) {
      List<ImageSpec> all = catalog.images().values().stream().sorted(Comparator.comparing(ImageSpec::id)).toList();
      List<ImageSpec> runnable = all.stream().filter(this::runs).toList();
      Set<String> taken = new HashSet<>();
      runnable.forEach(i -> taken.add(i.id()));
      List<Entry> entries = new ArrayList<>(runnable.size());
      for (ImageSpec i : runnable) {
        String label = i.version() == null ? i.name() : i.name() + " " + i.version();
        entries.add(entry(menuId(i.id(), taken), label, i, i.cmdline()));
      }
      StringBuilder what = new StringBuilder(noGroup == null ? "" : noGroup + ": ").append("default menu of ")
          .append(runnable.size()).append(runnable.size() == 1 ? " image" : " images");
      int other = all.size() - runnable.size();
      if (other > 0) what.append(" (").append(other).append(" not for ").append(arch).append(")");
      String reason = reason(what.toString());
      return new MenuPlan(MenuSelection.DEFAULT_MENU, null, null, reason,
          model(entries, MenuModel.LOCAL_ID, options.timeoutSeconds(), reason));
    }

    /** An unknown arch runs everything: offer it and let the firmware refuse (better than an empty menu). */
    private boolean runs(ImageSpec image) {
      return arch == null || arch.runs(image.arch());
    }

    private String reason(String last) {
      if (passedOver.isEmpty()) return last;
      return String.join("; ", passedOver) + "; " + last;
    }

    private MenuModel model(List<Entry> entries, String defaultId, int timeout, String reason) {
      return new MenuModel(title, entries, defaultId, timeout, options.localBoot(), options.fileBase(), reason);
    }
  }

  /** An entry whose kernel and initrds are paths in the boot namespace: {@code images/<image id>/<file name>}. */
  private static Entry entry(String id, String label, ImageSpec image, String cmdline) {
    String dir = "images/" + image.id() + "/";
    List<String> initrds = image.initrds().stream().map(a -> dir + a.name()).toList();
    return new Entry(id, label, image.id(), dir + image.kernel().name(), initrds, cmdline);
  }

  /**
   * The entry id for a profile or image id. The catalog does not reserve {@link MenuModel#LOCAL_ID}, but a menu
   * entry called that would be taken for local boot (a default of "local" boots the disk, not the profile), so such
   * an entry is renamed {@code local.1} (or the first {@code local.<n>} no other entry uses).
   */
  private static String menuId(String id, Set<String> taken) {
    if (!id.equals(MenuModel.LOCAL_ID)) return id;
    for (int n = 1; ; n++) {
      String candidate = MenuModel.LOCAL_ID + "." + n;
      if (!taken.contains(candidate)) return candidate;
    }
  }
}
