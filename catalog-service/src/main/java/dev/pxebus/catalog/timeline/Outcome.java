package dev.pxebus.catalog.timeline;

import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.boot.TftpTransferEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a boot attempt went, as far as its steps tell. Judged from the events alone (no wall clock), so a rebuild
 * from the topic gives the same answer. The first rule that matches wins:
 * <ol>
 *   <li>{@link #FAILED}: the attempt's last step (in timeline order, counting dropped steps too) is a failure:
 *       {@code DHCP_NAK}, {@code DHCP_DECLINE}, {@code TFTP_FAILED} or {@code HTTP_FAILED}. A failure followed by
 *       more steps does not count: pxelinux probes several config file names and expects all but one to be
 *       missing, and clients retry.</li>
 *   <li>{@link #COMPLETED}: a boot menu was rendered ({@code MENU_RENDERED}) and then either it chose the local
 *       disk ({@code selectedBy LOCAL_BOOT}) or a file other than a rendered menu was downloaded after it (a
 *       {@code TFTP_COMPLETED} without error code, i.e. not a size probe, or a GET answered {@code HTTP_SERVED}
 *       with a 2xx status) — the kernel or chained loader the menu pointed at; and the last step is not a
 *       {@code TFTP_STARTED} (a transfer still running).</li>
 *   <li>{@link #ABANDONED}: neither, and the machine has started a newer attempt since.</li>
 *   <li>{@link #IN_PROGRESS}: anything else (the latest attempt has not reached a verdict, or never will: a boot
 *       that fetched everything without a menu from menu-service shows no end the events could prove).</li>
 * </ol>
 */
public enum Outcome {
  FAILED, COMPLETED, ABANDONED, IN_PROGRESS;

  private static final Set<BootStage> FAILURES =
      Set.of(BootStage.DHCP_NAK, BootStage.DHCP_DECLINE, BootStage.TFTP_FAILED, BootStage.HTTP_FAILED);

  /** The JSON spelling: {@code failed}, {@code completed}, {@code abandoned}, {@code in-progress}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @param steps the retained steps in timeline order
   * @param last the attempt's last step, dropped or not
   * @param superseded whether the same machine started a newer attempt
   */
  static Outcome of(List<Timelines.Step> steps, Timelines.Step last, boolean superseded) {
    if (FAILURES.contains(last.data().stage())) return FAILED;
    // The machine said its installation finished: the boot did what it was for.
    if (steps.stream().anyMatch(s -> s.data().stage() == BootStage.INSTALLED)) return COMPLETED;
    if (last.data().stage() != BootStage.TFTP_STARTED && bootedAfterMenu(steps)) return COMPLETED;
    return superseded ? ABANDONED : IN_PROGRESS;
  }

  private static boolean bootedAfterMenu(List<Timelines.Step> steps) {
    Set<String> menus = new HashSet<>();
    for (Timelines.Step s : steps) {
      if (s.data() instanceof MenuRenderedEvent m) {
        if (m.selectedBy() == MenuSelection.LOCAL_BOOT) return true;
        if (m.path() != null) menus.add(file(m.path()));
        else menus.add("");
        continue;
      }
      if (menus.isEmpty()) continue;
      String downloaded = null;
      if (s.data() instanceof TftpTransferEvent t && t.stage() == BootStage.TFTP_COMPLETED && t.errorCode() == null) {
        downloaded = t.file();
      } else if (s.data() instanceof HttpFileEvent h && h.stage() == BootStage.HTTP_SERVED
          && "GET".equalsIgnoreCase(h.method()) && h.status() >= 200 && h.status() < 300) {
        downloaded = h.path();
      }
      if (downloaded != null && !menus.contains(file(downloaded))) return true;
    }
    return false;
  }

  /** TFTP names come without, HTTP paths and menu paths with a leading slash. */
  private static String file(String path) {
    int i = 0;
    while (i < path.length() && path.charAt(i) == '/') i++;
    return path.substring(i);
  }
}
