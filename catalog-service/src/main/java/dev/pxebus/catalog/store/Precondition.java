package dev.pxebus.catalog.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What a write requires of the entity's current version (RFC 9110 §13.1): {@code If-Match} (a list of entity
 * tags, or {@code *} for "any existing version"), {@code If-None-Match: *} (it must not exist), or creation only
 * ({@code POST}, answered 409 rather than 412 when it exists).
 */
public record Precondition(boolean createOnly, boolean ifNoneMatchAny, boolean ifMatchAny, List<String> ifMatch) {
  public static final Precondition NONE = new Precondition(false, false, false, List.of());
  public static final Precondition CREATE = new Precondition(true, false, false, List.of());

  public Precondition {
    ifMatch = List.copyOf(ifMatch);
  }

  /**
   * From the request headers (either may be null). {@code If-Match} is a comma-separated list of entity tags; weak
   * tags ({@code W/"…"}) never match, as §13.1.1 requires strong comparison for If-Match.
   *
   * @throws IllegalArgumentException when a header is not a valid entity-tag list
   */
  public static Precondition of(String ifMatchHeader, String ifNoneMatchHeader) {
    boolean noneAny = false;
    if (ifNoneMatchHeader != null && !ifNoneMatchHeader.isBlank()) {
      if (!ifNoneMatchHeader.trim().equals("*")) {
        throw new IllegalArgumentException("If-None-Match on a write may only be *, got " + ifNoneMatchHeader.trim());
      }
      noneAny = true;
    }
    boolean any = false;
    List<String> tags = new ArrayList<>();
    if (ifMatchHeader != null && !ifMatchHeader.isBlank()) {
      String v = ifMatchHeader.trim();
      if (v.equals("*")) {
        any = true;
      } else {
        for (String part : v.split(",", -1)) {
          String t = part.trim();
          boolean weak = t.startsWith("W/");
          String tag = weak ? t.substring(2) : t;
          if (tag.length() < 2 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"'
              || tag.substring(1, tag.length() - 1).indexOf('"') >= 0) {
            throw new IllegalArgumentException("If-Match is not a list of entity tags such as \"12\": " + v);
          }
          if (!weak) tags.add(tag);
        }
        if (tags.isEmpty()) tags.add("W/"); // only weak tags: can never match
      }
    }
    if (noneAny && (any || !tags.isEmpty())) {
      throw new IllegalArgumentException("If-Match and If-None-Match together: the write could never happen");
    }
    return new Precondition(false, noneAny, any, tags);
  }

  public boolean requiresExisting() {
    return ifMatchAny || !ifMatch.isEmpty();
  }
}
