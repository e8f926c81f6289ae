package dev.pxebus.testing;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Every thread of this JVM with its stack and the locks it holds or waits on, as text: what a test prints when
 * something it waits for never happens, so the log of a rare hang says which thread was stuck where.
 */
public final class ThreadDump {
  /** Enough to see where a stuck thread is and who called it. */
  private static final int MAX_FRAMES = 30;

  private ThreadDump() {}

  /**
   * A thread waiting for work where threads wait for work: an event loop in epoll_wait, a pool thread parked for its
   * next task. One line each, so the stack of the thread that is stuck elsewhere stands out.
   */
  private static boolean idle(StackTraceElement frame) {
    String top = frame.getClassName() + '.' + frame.getMethodName();
    return top.endsWith("Native.epollWait") || top.endsWith("Native.epollWait0")
        || top.endsWith("Native.epollBusyWait0") || top.equals("jdk.internal.misc.Unsafe.park")
        || top.equals("java.lang.Object.wait0")
        || top.equals("java.lang.Object.wait") || top.equals("java.lang.ref.Reference.waitForReferencePendingList")
        || top.equals("sun.nio.ch.EPoll.wait");
  }

  /** The dump, headed by {@code why}. */
  public static String of(String why) {
    StringBuilder b = new StringBuilder("=== thread dump: ").append(why).append('\n');
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      b.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
      StackTraceElement[] stack = t.getStackTrace();
      if (stack.length == 0) {
        b.append(" (no Java frames)\n");
        continue;
      }
      if (idle(stack[0])) {
        b.append(" idle in ").append(stack[0].getClassName()).append('.').append(stack[0].getMethodName()).append('\n');
        continue;
      }
      LockInfo lock = t.getLockInfo();
      if (lock != null) b.append(" on ").append(lock);
      if (t.getLockOwnerName() != null) b.append(" owned by \"").append(t.getLockOwnerName()).append('"');
      b.append('\n');
      for (int i = 0; i < Math.min(stack.length, MAX_FRAMES); i++) b.append("    at ").append(stack[i]).append('\n');
      if (stack.length > MAX_FRAMES) b.append("    … ").append(stack.length - MAX_FRAMES).append(" more\n");
      for (var m : t.getLockedMonitors()) b.append("    holds ").append(m).append('\n');
    }
    return b.append("=== end of thread dump\n").toString();
  }

  /** Prints {@link #of} to standard output (the test's output file under surefire). */
  public static void print(String why) {
    System.out.print(of(why));
    System.out.flush();
  }
}
