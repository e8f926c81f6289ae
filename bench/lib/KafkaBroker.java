/*
 * The Kafka broker of bench/dhcp and bench/menu: dev.pxebus.kafka.KraftBrokerMain (one real KRaft node, the broker
 * of `pxebus lab` and of the tests) on 127.0.0.1 inside the bench's namespace. Run as a single source file against
 * the classpath of cli/target/pxebus.jar, which holds embedded-kafka and Kafka itself; not meant to be run by hand:
 *
 *   java -cp cli/target/pxebus.jar bench/lib/KafkaBroker.java DATA-DIR PORT
 *
 * Prints "READY <bootstrap servers>" once the broker accepts connections, then serves until killed (the bench stops
 * its process group). The controller listens on PORT + 1. The data directory is the bench's, deleted with it.
 */
public final class KafkaBroker {
  public static void main(String[] args) throws Exception {
    dev.pxebus.kafka.KraftBrokerMain.main(args);
  }
}
