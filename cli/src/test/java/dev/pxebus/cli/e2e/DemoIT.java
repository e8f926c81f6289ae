package dev.pxebus.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.Netns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code pxebus demo}, as the README tells a newcomer to run it: the packaged jar as a process, as root. It must
 * boot its VM, show the boot events live and the timeline, exit 0, and leave no namespace behind; and its output
 * must be what a person can follow (a step line per phase). Output in {@code target/e2e/demo/}.
 */
class DemoIT {
  private static final Path JAR = Path.of("target", "pxebus.jar").toAbsolutePath();
  private static final Path WORK = Path.of("target", "e2e", "demo").toAbsolutePath();
  private static final Pattern NAMESPACE = Pattern.compile("network namespace (pxb-demo-[0-9a-f]+)");

  @Test
  void theDemoBootsAVmShowsItsTimelineLiveAndCleansUp() throws Exception {
    BootReadback.requireTools(JAR, List.of("/usr/lib/ipxe/qemu/efi-virtio.rom"));
    BootReadback.clean(WORK);
    Path out = WORK.resolve("demo.out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString(), "demo", "--dir", WORK.resolve("dir").toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    boolean exited = p.waitFor(10, TimeUnit.MINUTES);
    if (!exited) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    String text = Files.readString(out, StandardCharsets.UTF_8);
    System.out.println(text);
    assertTrue(exited, "pxebus demo did not finish within 10 minutes:\n" + text);
    assertEquals(0, p.exitValue(), text);

    // The steps a newcomer sees, in order.
    int at = 0;
    for (String step : List.of("==> preparing the demo payload", "==> network namespace pxb-demo-",
        "==> starting pxebus lab", "pxebus lab is running:", "==> registering the demo image",
        "$ pxebus images import", "==> following the VM's boot events live", "==> powering on a diskless VM",
        "DHCP_ACK", "MENU_RENDERED", "/images/demo-linux/initrd.img", "==> the VM booted Linux in",
        "==> the machine's boot timeline", "outcome completed", "pxebus demo: cleaned up")) {
      int i = text.indexOf(step, at);
      assertTrue(i >= 0, "'" + step + "' after position " + at + " in:\n" + text);
      at = i;
    }
    // The live lines are events follow's: the ACK, the menu and the initrd before the marker line.
    assertTrue(text.indexOf("HTTP_SERVED") < text.indexOf("==> the VM booted Linux"), text);
    Matcher m = NAMESPACE.matcher(text);
    assertTrue(m.find(), text);
    assertFalse(Netns.exists(m.group(1)), m.group(1) + " is left behind");
    assertFalse(text.contains("Exception"), text);
  }
}
