package dev.pxebus.testing;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Every thread of this JVM with its stack and the locks it holds or waits on, as text: what a test prints when
 * something it waits for never happens, so the log of a rare hang says which thread was stuck where.
 */
public final class ThreadDump {
  private ThreadDump() {}

  /** The dump, headed by {@code why}. */
  public static String of(String why) {
    StringBuilder b = new StringBuilder("=== thread dump: ").append(why).append('\n');
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      b.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
      LockInfo lock = t.getLockInfo();
      if (lock != null) b.append(" on ").append(lock);
      if (t.getLockOwnerName() != null) b.append(" owned by \"").append(t.getLockOwnerName()).append('"');
      b.append('\n');
      for (StackTraceElement e : t.getStackTrace()) b.append("    at ").append(e).append('\n');
      for (var m : t.getLockedMonitors()) b.append("    holds ").append(m).append('\n');
      b.append('\n');
    }
    return b.append("=== end of thread dump\n").toString();
  }

  /** Prints {@link #of} to standard output (the test's output file under surefire). */
  public static void print(String why) {
    System.out.print(of(why));
    System.out.flush();
  }
}
