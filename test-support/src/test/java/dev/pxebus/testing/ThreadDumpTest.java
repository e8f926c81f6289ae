package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ThreadDumpTest {
  private final Object monitor = new Object();

  @Test
  void aThreadStuckOnALockShowsItsStackAndItsOwnerWhileAnIdlePoolThreadIsOneLine() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "idle-pool-thread"));
    CountDownLatch started = new CountDownLatch(1);
    pool.submit(started::countDown);
    started.await();
    Thread stuck = new Thread(this::enterMonitor, "stuck-on-a-lock");
    String dump;
    synchronized (monitor) {
      stuck.start();
      Await.until(Duration.ofSeconds(10), () -> stuck.getState() == Thread.State.BLOCKED,
          "the thread blocks on the lock");
      dump = ThreadDump.of("test");
    }
    stuck.join();
    pool.shutdown();
    assertTrue(dump.startsWith("=== thread dump: test\n"), dump);
    String stuckPart = dump.substring(dump.indexOf("\"stuck-on-a-lock\""));
    assertTrue(stuckPart.startsWith("\"stuck-on-a-lock\" BLOCKED on java.lang.Object@"), stuckPart);
    assertTrue(stuckPart.contains("owned by \"" + Thread.currentThread().getName() + "\""), stuckPart);
    assertTrue(stuckPart.contains("dev.pxebus.testing.ThreadDumpTest.enterMonitor(ThreadDumpTest.java:"), stuckPart);
    assertTrue(dump.contains("\"idle-pool-thread\" WAITING idle in jdk.internal.misc.Unsafe.park"), dump);
    assertTrue(dump.endsWith("=== end of thread dump\n"), dump);
  }

  private void enterMonitor() {
    synchronized (monitor) {
      monitor.notifyAll();
    }
  }
}
