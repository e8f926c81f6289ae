/*
 * A Kafka broker for bench/dhcp, so that dhcp-service publishes its events during the measurement instead of
 * buffering them. One real KRaft node (dev.pxebus.kafka.KraftBroker, the broker of `pxebus lab` and of the tests)
 * on 127.0.0.1 inside the bench's server namespace. Run as a single source file against the classpath of
 * cli/target/pxebus.jar, which holds embedded-kafka and Kafka itself; not meant to be run by hand:
 *
 *   java -cp cli/target/pxebus.jar bench/lib/KafkaBroker.java DATA-DIR PORT
 *
 * Prints "READY <bootstrap servers>" once the broker accepts connections, then serves until killed (the bench stops
 * its process group). The controller listens on PORT + 1. The data directory is the bench's, deleted with it.
 */

import dev.pxebus.kafka.KraftBroker;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

public final class KafkaBroker {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: KafkaBroker DATA-DIR PORT");
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
