package dev.pxebus.catalog.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which group a machine boots. Pure: the same groups and machine give the same answer in catalog-service and
 * menu-service.
 *
 * <ol>
 *   <li>A group with a selector matches when every part of it holds for the machine ({@link Selector#matches}).
 *   <li>Among matching groups the most specific wins: the one with the most selector parts (matchbox's rule).
 *   <li>Equal counts: the group that selects by the more identifying kind wins, comparing in turn "has a
 *       {@code mac}", "has a {@code uuid}", "has an {@code arch}" (so a MAC selector beats a label selector, and
 *       {@code {mac, label}} beats {@code {arch, label}}).
 *   <li>Still equal: the smaller group id, comparing the ids as strings (ids are ASCII, so byte order).
 *   <li>No group matched: the default group (no selector); were there several, the smallest id
 *       ({@link CatalogRules} refuses a second one).
 *   <li>No default either: nothing — the caller falls back (menu-service: a menu of every image).
 * </ol>
 */
public final class GroupSelector {
  private GroupSelector() {}

  /** The order of rules 2–4: the winner first. */
  public static final Comparator<GroupSpec> SPECIFICITY = Comparator
      .comparingInt((GroupSpec g) -> -g.selector().size())
      .thenComparing(g -> g.selector().mac() == null)
      .thenComparing(g -> g.selector().uuid() == null)
      .thenComparing(g -> g.selector().arch() == null)
      .thenComparing(GroupSpec::id);

  /** How the group was chosen; the names are those of {@code dev.pxebus.events.boot.MenuSelection}. */
  public enum Kind { GROUP, DEFAULT_GROUP }

  /**
   * @param group the chosen group
   * @param kind by its selector, or as the default
   * @param outranked the other matching groups, most specific first (the default group is never among them)
   * @param reason one line for logs and the API, e.g. {@code group uefi-workers: arch=efi-x86_64, label.role=worker
   *     (2 selectors), over rack-1 (1)}
   */
  public record Selection(GroupSpec group, Kind kind, List<String> outranked, String reason) {
    public Selection {
      outranked = List.copyOf(outranked);
    }
  }

  public static Optional<Selection> select(Collection<GroupSpec> groups, Machine machine) {
    List<GroupSpec> matching = new ArrayList<>();
    GroupSpec fallback = null;
    for (GroupSpec g : groups) {
      if (g.isDefault()) {
        if (fallback == null || g.id().compareTo(fallback.id()) < 0) fallback = g;
      } else if (g.selector().matches(machine)) {
        matching.add(g);
      }
    }
    if (!matching.isEmpty()) {
      matching.sort(SPECIFICITY);
      GroupSpec winner = matching.get(0);
      List<String> others = matching.subList(1, matching.size()).stream().map(GroupSpec::id).toList();
      StringBuilder why = new StringBuilder("group ").append(winner.id()).append(": ")
          .append(winner.selector().describe()).append(" (").append(count(winner)).append(")");
      if (!others.isEmpty()) {
        why.append(", over ");
        for (int i = 1; i < matching.size(); i++) {
          if (i > 1) why.append(", ");
          why.append(matching.get(i).id()).append(" (").append(matching.get(i).selector().size()).append(")");
        }
      }
      return Optional.of(new Selection(winner, Kind.GROUP, others, why.toString()));
    }
    if (fallback != null) {
      return Optional.of(new Selection(fallback, Kind.DEFAULT_GROUP, List.of(),
          "no group matched " + machine.mac() + "; default group " + fallback.id()));
    }
    return Optional.empty();
  }

  private static String count(GroupSpec g) {
    int n = g.selector().size();
    return n == 1 ? "1 selector" : n + " selectors";
  }
}
