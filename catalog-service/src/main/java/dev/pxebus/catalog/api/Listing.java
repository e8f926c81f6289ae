package dev.pxebus.catalog.api;

import dev.pxebus.catalog.spec.CpuArch;
import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.ErrorCode;
import dev.pxebus.catalog.spec.GroupSpec;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.ProfileSpec;
import dev.pxebus.catalog.spec.ValidationError;
import dev.pxebus.catalog.spec.ValidationException;
import dev.pxebus.catalog.store.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The filters and paging of the list endpoints, as a pure function of the query parameters. Filters:
 *
 * <table>
 *   <tr><th>kind</th><th>parameter</th><th>keeps</th></tr>
 *   <tr><td>images</td><td>{@code arch}</td><td>images of that architecture (aliases such as amd64 accepted)</td></tr>
 *   <tr><td>images, hosts</td><td>{@code label=k=v} (repeatable)</td><td>entities with every such label</td></tr>
 *   <tr><td>profiles</td><td>{@code image}</td><td>profiles booting that image</td></tr>
 *   <tr><td>hosts, groups</td><td>{@code profile}</td><td>hosts / groups with that profile</td></tr>
 *   <tr><td>hosts</td><td>{@code bootOnce}</td><td>hosts with (true) or without (false) the flag</td></tr>
 * </table>
 *
 * Paging: items sorted by key; {@code after} skips to keys after it; {@code limit} (default
 * {@value #DEFAULT_LIMIT}) caps the page; {@code next} is the last key of a full page when more follow.
 */
public final class Listing {
  public static final int DEFAULT_LIMIT = 1000;

  private Listing() {}

  /** One page: {@code total} counts every match, {@code next} is null on the last page. */
  public record Page(List<Entry> items, int total, String next) {}

  /** @throws ValidationException for a filter value that cannot match anything meaningful (e.g. no such arch) */
  public static Page page(EntityKind kind, List<Entry> all, Map<String, List<String>> query) {
    Predicate<Entry> filter = filter(kind, query);
    String after = first(query, "after");
    int limit = DEFAULT_LIMIT;
    String l = first(query, "limit");
    if (l != null) limit = Integer.parseInt(l); // the contract validated it: 1 to 10000
    List<Entry> matching = new ArrayList<>();
    for (Entry e : all) if (filter.test(e)) matching.add(e);
    List<Entry> page = new ArrayList<>();
    String next = null;
    for (Entry e : matching) {
      if (after != null && e.spec().key().compareTo(after) <= 0) continue;
      if (page.size() == limit) {
        next = page.get(page.size() - 1).spec().key();
        break;
      }
      page.add(e);
    }
    return new Page(page, matching.size(), next);
  }

  private static String first(Map<String, List<String>> q, String name) {
    List<String> v = q.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  static Predicate<Entry> filter(EntityKind kind, Map<String, List<String>> q) {
    List<ValidationError> errors = new ArrayList<>();
    Predicate<Entry> p = e -> true;
    switch (kind) {
      case IMAGE -> {
        String arch = first(q, "arch");
        if (arch != null) {
          CpuArch a = CpuArch.parse(arch).orElse(null);
          if (a == null) errors.add(ValidationError.of("arch", ErrorCode.UNKNOWN_ARCH, "'" + arch + "' is not an "
              + "architecture: x86_64 (amd64), i386, arm64 (aarch64) or arm32 (armhf)"));
          p = p.and(e -> ((ImageSpec) e.spec()).arch() == a);
        }
        Map<String, String> labels = labels(q, errors);
        p = p.and(e -> ((ImageSpec) e.spec()).labels().entrySet().containsAll(labels.entrySet()));
      }
      case PROFILE -> {
        String image = first(q, "image");
        if (image != null) p = p.and(e -> ((ProfileSpec) e.spec()).image().equals(image));
      }
      case HOST -> {
        String profile = first(q, "profile");
        if (profile != null) p = p.and(e -> profile.equals(((HostSpec) e.spec()).profile()));
        String bootOnce = first(q, "bootOnce");
        if (bootOnce != null) {
          boolean b = Boolean.parseBoolean(bootOnce);
          p = p.and(e -> ((HostSpec) e.spec()).bootOnce() == b);
        }
        Map<String, String> labels = labels(q, errors);
        p = p.and(e -> ((HostSpec) e.spec()).labels().entrySet().containsAll(labels.entrySet()));
      }
      case GROUP -> {
        String profile = first(q, "profile");
        if (profile != null) p = p.and(e -> ((GroupSpec) e.spec()).profile().equals(profile));
      }
    }
    if (!errors.isEmpty()) throw new ValidationException(errors);
    return p;
  }

  private static Map<String, String> labels(Map<String, List<String>> q, List<ValidationError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> raw = q.getOrDefault("label", List.of());
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      int eq = s.indexOf('=');
      if (eq <= 0) {
        errors.add(ValidationError.of("label[" + i + "]", ErrorCode.INVALID_LABEL, "'" + s + "' is not key=value"));
        continue;
      }
      out.put(s.substring(0, eq), s.substring(eq + 1));
    }
    return out;
  }
}
