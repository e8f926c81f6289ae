/**
 * Kafka for every pxebus service, with plain kafka-clients: {@link dev.pxebus.runtime.kafka.EventPublisher} (the one
 * writer: never blocks, buffers while Kafka is away), {@link dev.pxebus.runtime.kafka.EventSubscriber} (typed
 * events on the caller's executor, materialised view or consumer group) and
 * {@link dev.pxebus.runtime.kafka.KafkaReachability} (for {@code /health}). Topics and payloads come from
 * {@code dev.pxebus.events}; no topic name is spelled here.
 */
package dev.pxebus.runtime.kafka;
