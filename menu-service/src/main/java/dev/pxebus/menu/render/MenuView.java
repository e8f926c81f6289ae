package dev.pxebus.menu.render;

import dev.pxebus.events.boot.MenuFormat;
import io.pebbletemplates.pebble.extension.escaper.SafeString;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a template sees: the {@link MenuModel} checked for the target language, every refusal naming its entry and
 * field. Pure.
 *
 * <p>Values are handed over raw, to be escaped by the language's Pebble escaping strategy when printed, except where
 * the right escape depends on the place and the strategy cannot know it: GRUB labels, GRUB command lines and the
 * comments are handed over already escaped (as {@link SafeString}). Each raw value is also run through its escape
 * here once (the strategy will give the same answer), so that a refusal names the entry and the field rather than a
 * template line.
 *
 * <p>Variables (all formats): {@code title}, {@code comment}, {@code defaultId}, {@code timeoutSeconds},
 * {@code entries} (each: {@code id}, {@code label}, {@code image}, {@code kernel}, {@code initrds}, {@code cmdline},
 * {@code isDefault}). iPXE adds {@code timeoutMs}, {@code localBoot} ({@code EXIT}|{@code SANBOOT}), {@code fileBase}
 * and per entry {@code initrdNames} (the initrds' file names, which EFI-stub kernels need as {@code initrd=} on the
 * command line); pxelinux adds {@code timeoutTenths}.
 */
final class MenuView {
  /** An http(s) URL without whitespace, quotes, query or fragment, ending with '/'. */
  private static final Pattern FILE_BASE = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+(/[A-Za-z0-9._~+@%=,:-]*)*/");

  private MenuView() {}

  static Map<String, Object> of(MenuFormat format, MenuModel model) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("timeoutSeconds", model.timeoutSeconds());
    view.put("defaultId", model.defaultId());
    switch (format) {
      case IPXE -> {
        IpxeEscape.title("menu title", model.title());
        view.put("title", Values.text("menu title", model.title()));
        view.put("comment", safe(IpxeEscape.comment("menu comment", model.comment())));
        view.put("timeoutMs", model.timeoutSeconds() * 1000L);
        view.put("localBoot", model.localBoot().name());
        view.put("fileBase", fileBase(model.fileBase()));
      }
      case PXELINUX -> {
        view.put("title", PxelinuxEscape.line("menu title", model.title()));
        view.put("comment", safe(PxelinuxEscape.line("menu comment", model.comment())));
        // pxelinux reads TIMEOUT 0 as "wait for ever"; the model's 0 means "boot the default at once", so the
        // shortest wait pxelinux has: one tenth of a second.
        view.put("timeoutTenths", model.timeoutSeconds() == 0 ? 1L : model.timeoutSeconds() * 10L);
      }
      case GRUB -> {
        view.put("title", safe(GrubEscape.comment("menu title", model.title())));
        view.put("comment", safe(GrubEscape.comment("menu comment", model.comment())));
      }
    }
    view.put("entries", entries(format, model));
    return view;
  }

  private static List<Map<String, Object>> entries(MenuFormat format, MenuModel model) {
    List<Map<String, Object>> entries = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int n = 0;
    for (MenuModel.Entry e : model.entries()) {
      n++;
      String id = Values.id("entry " + n + " id", e.id());
      if (format == MenuFormat.IPXE && IpxeEscape.RESERVED_IDS.contains(id)) {
        throw Values.refuse("entry " + n + " id", Values.quote(id) + " is a label of the iPXE script itself");
      }
      if (!ids.add(id)) throw Values.refuse("entry " + n + " id", Values.quote(id) + " is used twice");
      String where = "entry \"" + id + "\" ";
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", id);
      entry.put("image", Values.text(where + "image", e.image()));
      entry.put("kernel", Values.path(where + "kernel", e.kernel()));
      List<String> initrds = new ArrayList<>();
      for (int i = 0; i < e.initrds().size(); i++) {
        initrds.add(Values.path(where + "initrd " + (i + 1), e.initrds().get(i)));
      }
      entry.put("initrds", initrds);
      entry.put("isDefault", id.equals(model.defaultId()));
      String label = Values.label(where + "label", e.label());
      switch (format) {
        case IPXE -> {
          IpxeEscape.arg(where + "label", label);
          IpxeEscape.arg(where + "cmdline", e.cmdline());
          entry.put("label", label);
          entry.put("cmdline", Values.text(where + "cmdline", e.cmdline()));
          entry.put("initrdNames", initrdNames(where, initrds));
        }
        case PXELINUX -> {
          PxelinuxEscape.menuLabel(where + "label", label);
          String cmdline = PxelinuxEscape.line(where + "cmdline", e.cmdline());
          entry.put("label", label);
          entry.put("cmdline", cmdline);
          PxelinuxEscape.appendLine(where + "cmdline", "  APPEND initrd=" + String.join(",", initrds) + " " + cmdline);
        }
        case GRUB -> {
          entry.put("label", new SafeString(GrubEscape.label(where + "label", label)));
          entry.put("cmdline", safe(GrubEscape.cmdline(where + "cmdline", e.cmdline())));
        }
      }
      entries.add(entry);
    }
    return entries;
  }

  /** Already escaped; an empty value stays a plain "" so that templates can test it with {@code is empty}. */
  private static Object safe(String escaped) {
    return escaped.isEmpty() ? "" : new SafeString(escaped);
  }

  /** iPXE names a fetched image after the last segment of its URL; two initrds of one name would clash. */
  private static List<String> initrdNames(String where, List<String> initrds) {
    List<String> names = new ArrayList<>();
    for (String path : initrds) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (names.contains(name)) {
        throw Values.refuse(where + "initrds", "two initrds are named " + Values.quote(name)
            + ": iPXE and EFI-stub kernels tell initrds apart by file name");
      }
      names.add(name);
    }
    return names;
  }

  private static String fileBase(String fileBase) {
    if (fileBase.isEmpty()) return fileBase;
    Values.text("fileBase", fileBase);
    if (!FILE_BASE.matcher(fileBase).matches()) {
      throw Values.refuse("fileBase", Values.quote(fileBase)
          + " is not an http:// or https:// URL ending with '/' (no spaces, quotes, query or fragment)");
    }
    URI.create(fileBase);
    return fileBase;
  }
}
