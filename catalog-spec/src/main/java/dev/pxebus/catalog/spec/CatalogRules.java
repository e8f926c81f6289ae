package dev.pxebus.catalog.spec;

import java.util.List;

/**
 * The rules that span entities, as a function of the whole catalog and one change. Each spec is valid on its own
 * (its constructor saw to that); these keep the catalog consistent:
 *
 * <table>
 *   <tr><th>change</th><th>refused when</th><th>field</th><th>code</th></tr>
 *   <tr><td>put profile</td><td>its image does not exist</td><td>{@code image}</td><td>unknown-image</td></tr>
 *   <tr><td>put profile / image</td><td>image and profile command lines merged ({@link Cmdline#merge}) exceed
 *       {@link Limits#CMDLINE_MAX}</td><td>{@code cmdline}</td><td>too-long</td></tr>
 *   <tr><td>put host</td><td>its profile (if any) does not exist</td><td>{@code profile}</td>
 *       <td>unknown-profile</td></tr>
 *   <tr><td>put host</td><td>another host has its reserved IP</td><td>{@code reservedIp}</td><td>duplicate</td></tr>
 *   <tr><td>put group</td><td>its profile does not exist</td><td>{@code profile}</td><td>unknown-profile</td></tr>
 *   <tr><td>put group</td><td>another group has the same selector (two default groups included): one of them
 *       could never be chosen</td><td>{@code selector}</td><td>duplicate</td></tr>
 *   <tr><td>put group / profile / image</td><td>a group's {@code arch} cannot run the image its profile boots
 *       ({@link ClientArch#runs})</td><td>{@code selector.arch} / {@code image} / {@code arch}</td>
 *       <td>arch-mismatch</td></tr>
 *   <tr><td>delete image</td><td>a profile uses it</td><td>{@code id}</td><td>in-use</td></tr>
 *   <tr><td>delete profile</td><td>a host or group uses it</td><td>{@code id}</td><td>in-use</td></tr>
 *   <tr><td>delete anything</td><td>it does not exist</td><td>{@code id} / {@code mac}</td><td>not-found</td></tr>
 * </table>
 *
 * Deleting a host or a group is otherwise always allowed: nothing references them.
 */
public final class CatalogRules {
  private CatalogRules() {}

  /** Every rule the change would break; empty when it may be made. */
  public static List<ValidationError> check(CatalogState state, Change change) {
    Errors e = new Errors();
    if (change instanceof Change.Put put) {
      CatalogSpec spec = put.spec();
      if (spec instanceof ImageSpec s) putImage(e, state, s);
      else if (spec instanceof ProfileSpec s) putProfile(e, state, s);
      else if (spec instanceof HostSpec s) putHost(e, state, s);
      else if (spec instanceof GroupSpec s) putGroup(e, state, s);
    } else {
      delete(e, state, (Change.Delete) change);
    }
    return e.list();
  }

  /** The state after the change. @throws ValidationException with every rule it breaks */
  public static CatalogState apply(CatalogState state, Change change) {
    List<ValidationError> errors = check(state, change);
    if (!errors.isEmpty()) throw new ValidationException(errors);
    return state.apply(change);
  }

  private static void putImage(Errors e, CatalogState state, ImageSpec image) {
    for (ProfileSpec p : state.profiles().values()) {
      if (!p.image().equals(image.id())) continue;
      cmdlineFits(e, "cmdline", image, p);
      for (GroupSpec g : state.groups().values()) {
        if (g.profile().equals(p.id())) archFits(e, "arch", g, p, image);
      }
    }
  }

  private static void putProfile(Errors e, CatalogState state, ProfileSpec profile) {
    ImageSpec image = state.images().get(profile.image());
    if (image == null) {
      e.add("image", ErrorCode.UNKNOWN_IMAGE, "no image " + profile.image());
      return;
    }
    cmdlineFits(e, "cmdline", image, profile);
    for (GroupSpec g : state.groups().values()) {
      if (g.profile().equals(profile.id())) archFits(e, "image", g, profile, image);
    }
  }

  private static void putHost(Errors e, CatalogState state, HostSpec host) {
    if (host.profile() != null && !state.profiles().containsKey(host.profile())) {
      e.add("profile", ErrorCode.UNKNOWN_PROFILE, "no profile " + host.profile());
    }
    if (host.reservedIp() != null) {
      for (HostSpec other : state.hosts().values()) {
        if (!other.mac().equals(host.mac()) && host.reservedIp().equals(other.reservedIp())) {
          e.add("reservedIp", ErrorCode.DUPLICATE, host.reservedIp() + " is already reserved for " + other.mac());
        }
      }
    }
  }

  private static void putGroup(Errors e, CatalogState state, GroupSpec group) {
    ProfileSpec profile = state.profiles().get(group.profile());
    if (profile == null) {
      e.add("profile", ErrorCode.UNKNOWN_PROFILE, "no profile " + group.profile());
    } else {
      ImageSpec image = state.images().get(profile.image());
      if (image != null) archFits(e, "selector.arch", group, profile, image);
    }
    for (GroupSpec other : state.groups().values()) {
      if (other.id().equals(group.id()) || !other.selector().equals(group.selector())) continue;
      e.add("selector", ErrorCode.DUPLICATE, group.isDefault()
          ? "group " + other.id() + " is already the default group"
          : "group " + other.id() + " has the same selector (" + other.selector().describe() + ")");
    }
  }

  private static void delete(Errors e, CatalogState state, Change.Delete d) {
    EntityKind kind = d.kind();
    String field = kind.keyField();
    if (state.get(kind, d.key()).isEmpty()) {
      e.add(field, ErrorCode.NOT_FOUND, "no " + kind.noun() + " " + Text.quote(d.key()));
      return;
    }
    if (kind == EntityKind.IMAGE) {
      for (ProfileSpec p : state.profiles().values()) {
        if (!p.image().equals(d.key())) continue;
        e.add(field, ErrorCode.IN_USE, "image " + d.key() + " is used by profile " + p.id());
      }
    } else if (kind == EntityKind.PROFILE) {
      for (HostSpec h : state.hosts().values()) {
        if (!d.key().equals(h.profile())) continue;
        e.add(field, ErrorCode.IN_USE, "profile " + d.key() + " is used by host " + h.mac());
      }
      for (GroupSpec g : state.groups().values()) {
        if (!g.profile().equals(d.key())) continue;
        e.add(field, ErrorCode.IN_USE, "profile " + d.key() + " is used by group " + g.id());
      }
    }
  }

  private static void cmdlineFits(Errors e, String field, ImageSpec image, ProfileSpec profile) {
    String merged = Cmdline.merge(image.cmdline(), profile.cmdline());
    if (merged != null && merged.length() > Limits.CMDLINE_MAX) {
      e.add(field, ErrorCode.TOO_LONG, "image " + image.id() + " with profile " + profile.id() + " boots a command "
          + "line of " + merged.length() + " characters, at most " + Limits.CMDLINE_MAX);
    }
  }

  private static void archFits(Errors e, String field, GroupSpec group, ProfileSpec profile, ImageSpec image) {
    ClientArch arch = group.selector().arch();
    if (arch != null && !arch.runs(image.arch())) {
      e.add(field, ErrorCode.ARCH_MISMATCH, "group " + group.id() + " selects " + arch + " machines, which cannot "
          + "boot image " + image.id() + " (" + image.arch() + ") of profile " + profile.id());
    }
  }
}
