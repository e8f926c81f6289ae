package dev.pxebus.dhcp.server;

import dev.pxebus.events.Topics;
import dev.pxebus.kafka.KraftBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A real KRaft broker as its own process, so it can run inside a test's network namespace next to dhcp-service
 * (the test JVM's loopback is not reachable from there). It also reads the lease and boot-event topics from the
 * beginning and prints every record as {@code RECORD <topic> <key> <value>}, one line each, for the test to read.
 *
 * <p>Lines on its standard input {@code PUBLISH <topic> <key> <value>} are produced to the broker, so a test can
 * put events on the topics dhcp-service reads (replica announcements, catalog hosts).
 *
 * <pre>  BrokerProcess DATA-DIR PORT</pre>
 */
public final class BrokerProcess {
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    KraftBroker broker = KraftBroker.builder(data).host("127.0.0.1").brokerPort(port).controllerPort(port + 1).deleteOnClose(false).build()
        .start();
    org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
        new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
            "acks", "all"), new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer());
    Thread input = new Thread(() -> {
      try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          String[] p = line.split(" ", 4);
          if (p.length != 4 || !p[0].equals("PUBLISH")) continue;
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(p[1],
              p[2].getBytes(StandardCharsets.UTF_8), p[3].getBytes(StandardCharsets.UTF_8))).get();
          System.out.println("PUBLISHED " + p[1] + " " + p[2]);
          System.out.flush();
        }
      } catch (Exception e) {
        System.out.println("PUBLISH FAILED " + e);
      }
    }, "publish-from-stdin");
    input.setDaemon(true);
    input.start();
    System.out.println("READY " + broker.bootstrapServers());
    System.out.flush();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", broker.bootstrapServers(),
        "group.id", "test-reader-" + System.nanoTime(),
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false",
        "allow.auto.create.topics", "true"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.DHCP_LEASES.name(), Topics.BOOT_EVENTS.name()));
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          String key = r.key() == null ? "-" : new String(r.key(), StandardCharsets.UTF_8);
          String value = r.value() == null ? "-" : new String(r.value(), StandardCharsets.UTF_8).replace('\n', ' ');
          System.out.println("RECORD " + r.topic() + " " + key + " " + value);
        }
        System.out.flush();
      }
    }
  }
}
