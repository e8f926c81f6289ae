package dev.pxebus.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One {@link KraftBroker} as a process of its own, for setups that run every pxebus service as a separate process
 * (the end-to-end tests, the benchmarks) without a Kafka installation:
 *
 * <pre>java -cp cli/target/pxebus.jar dev.pxebus.kafka.KraftBrokerMain DATA-DIR PORT</pre>
 *
 * Listens on 127.0.0.1:PORT (controller on PORT + 1), keeps its data in DATA-DIR, prints {@code READY <bootstrap
 * servers>} once it accepts connections, and serves until the process is stopped (SIGTERM closes it cleanly).
 */
public final class KraftBrokerMain {
  private KraftBrokerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[1].matches("\\d{1,5}")) {
      System.err.println("usage: KraftBrokerMain DATA-DIR PORT");
      System.exit(2);
    }
    int port = Integer.parseInt(args[1]);
    KraftBroker broker = KraftBroker.builder(Path.of(args[0])).host("127.0.0.1").brokerPort(port)
        .controllerPort(port + 1).deleteOnClose(false).build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "broker-shutdown"));
    System.out.println("READY " + broker.bootstrapServers());
    System.out.flush();
    stopped.await();
  }
}
