package dev.tenantry.support.deadletter;

import dev.tenantry.support.rest.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads dead-letter topics without a consumer group and without holding them in memory: newest
 * first, a chunk of each partition at a time (seeking by offset), merged by record time, and never
 * more than a given number of records per call. Where it stopped is a cursor (per partition, the
 * offset below which records are still unread) to continue from. A read Kafka does not serve in
 * time fails (503), it never ends silently with what it had.
 */
final class TopicReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CHUNK = 200;

    private final String bootstrapServers;

    TopicReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * @param records   the matching records, newest first
     * @param nextCursor where to continue for older records; null when every record was read
     * @param partial   the scan stopped at its budget before it found {@code limit} matches: older
     *                  matches may exist (continue with {@code nextCursor})
     * @param scanned   how many records were read
     */
    record Page(List<ConsumerRecord<String, byte[]>> records, String nextCursor, boolean partial, int scanned) {}

    /**
     * The newest records of the topics that match, at most {@code limit}, reading at most
     * {@code budget} records.
     *
     * @param cursor a {@link Page#nextCursor()} of an earlier call over the same topics, or null for the newest
     * @param since  only records with a timestamp at or after it (null for all)
     * @throws ProblemException 400 for a cursor that is not one of these topics, 503 if Kafka does not answer
     */
    Page newestFirst(
            Collection<String> topics,
            String cursor,
            Instant since,
            Predicate<ConsumerRecord<String, byte[]>> matches,
            int limit,
            int budget) {
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            return newestFirst(consumer, topics, cursor, since, matches, limit, budget);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unavailable("Kafka did not answer in time: " + e.getMessage());
        }
    }

    private Page newestFirst(
            KafkaConsumer<String, byte[]> consumer,
            Collection<String> topics,
            String cursor,
            Instant since,
            Predicate<ConsumerRecord<String, byte[]>> matches,
            int limit,
            int budget) {
        {
            Map<TopicPartition, Long> lower = new HashMap<>();
            Map<TopicPartition, Long> upper = new LinkedHashMap<>();
            List<TopicPartition> partitions = partitionsOf(consumer, topics);
            if (partitions.isEmpty()) {
                return new Page(List.of(), null, false, 0);
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> fromCursor = decode(cursor, partitions);
            Map<TopicPartition, OffsetAndTimestamp> atSince =
                    since == null ? Map.of() : consumer.offsetsForTimes(timestamps(partitions, since), TIMEOUT);
            for (TopicPartition partition : partitions) {
                long low = begin.get(partition);
                if (since != null) {
                    OffsetAndTimestamp first = atSince.get(partition);
                    low = first == null ? end.get(partition) : Math.max(low, first.offset());
                }
                lower.put(partition, low);
                upper.put(
                        partition,
                        Math.max(
                                low,
                                Math.min(end.get(partition), fromCursor.getOrDefault(partition, end.get(partition)))));
            }
            Map<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> buffers = new HashMap<>();
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            int scanned = 0;
            while (found.size() < limit && scanned < budget) {
                ConsumerRecord<String, byte[]> newest = null;
                for (TopicPartition partition : partitions) {
                    Deque<ConsumerRecord<String, byte[]>> buffer =
                            buffers.computeIfAbsent(partition, p -> new ArrayDeque<>());
                    if (buffer.isEmpty() && upper.get(partition) > lower.get(partition)) {
                        fill(consumer, partition, lower.get(partition), upper.get(partition), buffer);
                    }
                    ConsumerRecord<String, byte[]> head = buffer.peekFirst();
                    if (head != null && (newest == null || head.timestamp() > newest.timestamp())) {
                        newest = head;
                    }
                }
                if (newest == null) {
                    break; // every partition read down to its lower bound
                }
                TopicPartition partition = new TopicPartition(newest.topic(), newest.partition());
                buffers.get(partition).removeFirst();
                upper.put(partition, newest.offset());
                scanned++;
                if (matches.test(newest)) {
                    found.add(newest);
                }
            }
            boolean exhausted = upper.entrySet().stream().allMatch(e -> e.getValue() <= lower.get(e.getKey()));
            return new Page(found, exhausted ? null : encode(upper), !exhausted && found.size() < limit, scanned);
        }
    }

    /** The record at this place, if the topic has it. */
    Optional<ConsumerRecord<String, byte[]>> at(String topic, int partition, long offset) {
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            return at(consumer, topic, partition, offset);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unavailable("Kafka did not answer in time: " + e.getMessage());
        }
    }

    private Optional<ConsumerRecord<String, byte[]>> at(
            KafkaConsumer<String, byte[]> consumer, String topic, int partition, long offset) {
        {
            TopicPartition tp = new TopicPartition(topic, partition);
            if (!partitionsOf(consumer, List.of(topic)).contains(tp)) {
                return Optional.empty();
            }
            long begin = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            if (offset < begin || offset >= end) {
                return Optional.empty();
            }
            Deque<ConsumerRecord<String, byte[]>> read = new ArrayDeque<>();
            fill(consumer, tp, offset, offset + 1, read);
            return read.stream().filter(r -> r.offset() == offset).findFirst();
        }
    }

    /**
     * Every record of a partition from {@code from} up to its end offset now, handed over one by
     * one (nothing is kept); returns the offset to continue from next time.
     */
    Map<TopicPartition, Long> readOnwards(
            String topic,
            Map<TopicPartition, Long> from,
            java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            return readOnwards(consumer, topic, from, each);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unavailable("Kafka did not answer in time: " + e.getMessage());
        }
    }

    private Map<TopicPartition, Long> readOnwards(
            KafkaConsumer<String, byte[]> consumer,
            String topic,
            Map<TopicPartition, Long> from,
            java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        {
            List<TopicPartition> partitions = partitionsOf(consumer, List.of(topic));
            Map<TopicPartition, Long> next = new HashMap<>(from);
            if (partitions.isEmpty()) {
                return next;
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            for (TopicPartition partition : partitions) {
                long position = Math.max(begin.get(partition), from.getOrDefault(partition, 0L));
                while (position < end.get(partition)) {
                    Deque<ConsumerRecord<String, byte[]>> chunk = new ArrayDeque<>();
                    long to = Math.min(end.get(partition), position + CHUNK);
                    fill(consumer, partition, position, to, chunk);
                    chunk.descendingIterator().forEachRemaining(each);
                    position = to;
                }
                next.put(partition, position);
            }
            return next;
        }
    }

    /** Reads offsets [from, to) of one partition into {@code buffer}, newest first. */
    private static void fill(
            KafkaConsumer<String, byte[]> consumer,
            TopicPartition partition,
            long lower,
            long to,
            Deque<ConsumerRecord<String, byte[]>> buffer) {
        long from = Math.max(lower, to - CHUNK);
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<ConsumerRecord<String, byte[]>> chunk = new ArrayList<>();
        while (consumer.position(partition, TIMEOUT) < to) {
            if (System.nanoTime() > deadline) {
                throw unavailable("Kafka did not deliver " + partition + " offsets " + from + " to " + to + " within "
                        + TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200)).records(partition)) {
                if (record.offset() >= from && record.offset() < to) {
                    chunk.add(record);
                }
            }
        }
        for (int i = chunk.size() - 1; i >= 0; i--) {
            buffer.addLast(chunk.get(i));
        }
    }

    private static List<TopicPartition> partitionsOf(
            KafkaConsumer<String, byte[]> consumer, Collection<String> topics) {
        Map<String, List<PartitionInfo>> all = consumer.listTopics(TIMEOUT);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : all.getOrDefault(topic, List.of())) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }

    private static Map<TopicPartition, Long> timestamps(List<TopicPartition> partitions, Instant since) {
        Map<TopicPartition, Long> timestamps = new HashMap<>();
        partitions.forEach(p -> timestamps.put(p, since.toEpochMilli()));
        return timestamps;
    }

    private static String encode(Map<TopicPartition, Long> upper) {
        StringBuilder text = new StringBuilder();
        upper.forEach((partition, offset) -> text.append(text.isEmpty() ? "" : "\n")
                .append(partition.topic())
                .append('\t')
                .append(partition.partition())
                .append('\t')
                .append(offset));
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<TopicPartition, Long> decode(String cursor, List<TopicPartition> partitions) {
        if (cursor == null || cursor.isBlank()) {
            return Map.of();
        }
        Map<TopicPartition, Long> upper = new HashMap<>();
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                String[] parts = line.split("\t");
                TopicPartition partition = new TopicPartition(parts[0], Integer.parseInt(parts[1]));
                if (parts.length != 3 || !partitions.contains(partition)) {
                    throw new IllegalArgumentException(line);
                }
                upper.put(partition, Long.parseLong(parts[2]));
            }
        } catch (RuntimeException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor from a previous page of this listing");
        }
        return upper;
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, CHUNK);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static ProblemException unavailable(String detail) {
        return new ProblemException(503, "service-unavailable", "Service unavailable", detail);
    }
}
