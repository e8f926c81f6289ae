package dev.pxebus.menu.select;

import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.menu.render.MenuModel;
import java.util.Objects;

/**
 * What menu-service renders for a request, and why.
 *
 * @param selectedBy the rule that chose it (the menu-rendered event carries it)
 * @param profile the profile booted by default, or null (default menu, local boot)
 * @param group the group that chose the profile, or null
 * @param reason one line for logs and the event, e.g. {@code group uefi-workers: arch=efi-x86_64 (1 selector)}
 * @param model the menu itself
 */
public record MenuPlan(MenuSelection selectedBy, String profile, String group, String reason, MenuModel model) {
  public MenuPlan {
    Objects.requireNonNull(selectedBy, "selectedBy");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(model, "model");
  }
}
