package dev.pxebus.menu.render;

import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.menu.render.MenuModel.Entry;
import dev.pxebus.menu.render.MenuModel.LocalBoot;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The menus the golden files show, one per outcome, and helpers to wait on a renderer's futures. */
final class RenderFixtures {
  private RenderFixtures() {}

  static final String MAC = "52:54:00:12:34:56";

  static final Entry DEBIAN_INSTALL = new Entry("debian-install", "Install Debian 12", "debian-12",
      "images/debian-12/vmlinuz", List.of("images/debian-12/initrd.gz"),
      "console=ttyS0 auto=true priority=critical url=http://10.0.0.5:8080/preseed/debian-12.cfg");
  static final Entry DEBIAN = new Entry("debian-12", "Debian 12 (bookworm) netinst", "debian-12",
      "images/debian-12/vmlinuz", List.of("images/debian-12/initrd.gz"), "console=ttyS0");
  static final Entry ALPINE = new Entry("alpine-3.19", "Alpine Linux 3.19", "alpine-3.19",
      "images/alpine-3.19/vmlinuz-lts", List.of("images/alpine-3.19/initramfs-lts"),
      "modules=loop,squashfs,sd-mod,usb-storage alpine_repo=http://10.0.0.5:8080/alpine/v3.19/main");
  static final Entry MEMTEST = new Entry("memtest", "Memtest86+ 6.20", "memtest",
      "images/memtest86+/memtest.bin", List.of(), "");
  static final Entry UBUNTU = new Entry("ubuntu-autoinstall", "Ubuntu 24.04 autoinstall", "ubuntu-24.04",
      "images/ubuntu-24.04/vmlinuz", List.of("images/ubuntu-24.04/initrd", "images/ubuntu-24.04/firmware.cpio"),
      "console=tty0 console=ttyS0,115200n8 ip=dhcp root=/dev/ram0 ramdisk_size=1500000 cloud-config-url=/dev/null"
          + " url=http://10.0.0.5:8080/iso/ubuntu-24.04-live-server-amd64.iso autoinstall"
          + " \"ds=nocloud-net;s=http://10.0.0.5:8080/autoinstall/52-54-00-12-34-56/\" fsck.mode=skip ---");

  static MenuModel hostProfile() {
    return new MenuModel("pxebus: node-1 (" + MAC + ")", List.of(DEBIAN_INSTALL), "debian-install", 5,
        LocalBoot.EXIT, "", "host " + MAC + ": profile debian-install");
  }

  static MenuModel defaultMenu() {
    return new MenuModel("pxebus: default menu", List.of(DEBIAN, ALPINE, MEMTEST), MenuModel.LOCAL_ID, 10,
        LocalBoot.EXIT, "", "default menu: no host, group or profile matched 52:54:00:aa:bb:cc");
  }

  static MenuModel localOnly() {
    return new MenuModel("pxebus: node-1 (" + MAC + ")", List.of(), MenuModel.LOCAL_ID, 0, LocalBoot.EXIT, "",
        "host " + MAC + ": installed, boot from local disk");
  }

  static MenuModel noInitrd() {
    return new MenuModel("pxebus: node-2 (52:54:00:12:34:57)", List.of(MEMTEST), "memtest", 5, LocalBoot.EXIT, "",
        "host 52:54:00:12:34:57: profile memtest");
  }

  static MenuModel twoInitrds() {
    return new MenuModel("pxebus: node-1 (" + MAC + ")", List.of(UBUNTU), "ubuntu-autoinstall", 3, LocalBoot.EXIT,
        "", "group ubuntu-nodes: arch=bios (1 selector)");
  }

  static MenuModel sanboot() {
    MenuModel m = hostProfile();
    return new MenuModel(m.title(), m.entries(), m.defaultId(), m.timeoutSeconds(), LocalBoot.SANBOOT, "",
        m.comment());
  }

  static MenuModel fileBase() {
    MenuModel m = hostProfile();
    return new MenuModel(m.title(), m.entries(), m.defaultId(), m.timeoutSeconds(), m.localBoot(),
        "http://10.0.0.5:8069/", m.comment());
  }

  /** Golden case name → model; the iPXE-only cases are marked. */
  static final Map<String, MenuModel> ALL_FORMATS = Map.of(
      "host-profile", hostProfile(),
      "default-menu", defaultMenu(),
      "local-only", localOnly(),
      "no-initrd", noInitrd(),
      "two-initrds-long-cmdline", twoInitrds());
  static final Map<String, MenuModel> IPXE_ONLY = Map.of(
      "sanboot", sanboot(),
      "file-base", fileBase());

  static String dir(MenuFormat format) {
    return format.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** A menu with one entry whose fields are as given, the rest plain. */
  static MenuModel oneEntry(String id, String label, String kernel, List<String> initrds, String cmdline) {
    return new MenuModel("pxebus: test", List.of(new Entry(id, label, "img", kernel, initrds, cmdline)), id, 5,
        LocalBoot.EXIT, "", "test");
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected the future to fail, it succeeded");
  }
}
