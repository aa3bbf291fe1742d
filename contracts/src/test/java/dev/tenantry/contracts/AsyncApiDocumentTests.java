package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AsyncApiDocumentTests {

    private static final String DOCUMENT = "asyncapi.yaml";
    private static JsonNode doc;

    @BeforeAll
    static void parse() throws Exception {
        try (InputStream in = AsyncApiDocumentTests.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            assertThat(in).as(DOCUMENT + " on the classpath").isNotNull();
            doc = new YAMLMapper().readTree(in);
        }
    }

    @Test
    void isAnAsyncApi300Document() {
        assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventTypeIsAMessageWithItsTypeKeyAndPayload(EventType type) {
        JsonNode message = doc.path("components").path("messages").path(type.simpleName());
        assertThat(message.isObject()).as("message " + type.simpleName()).isTrue();
        assertThat(message.path("name").asText()).isEqualTo(type.simpleName());
        assertThat(message.path("contentType").asText()).isEqualTo("application/json");
        assertThat(message.path("payload").path("$ref").asText()).isEqualTo("./schemas/" + type.simpleName() + ".json");
        assertThat(message.path("headers").path("allOf").get(0).path("$ref").asText())
                .isEqualTo("#/components/schemas/CloudEventHeaders");
        assertThat(message.path("headers")
                        .path("allOf")
                        .get(1)
                        .path("properties")
                        .path("ce_type")
                        .path("const")
                        .asText())
                .isEqualTo(type.type());
        assertThat(message.path("bindings")
                        .path("kafka")
                        .path("key")
                        .path("type")
                        .asText())
                .isEqualTo("string");
    }

    @Test
    void everyReferencedSchemaFileExists() {
        Path base = ContractResources.path(DOCUMENT).getParent();
        List<String> external =
                refs(doc).stream().filter(ref -> !ref.startsWith("#")).toList();
        assertThat(external).hasSize(EventType.values().length);
        for (String ref : external) {
            assertThat(Files.isRegularFile(base.resolve(ref).normalize()))
                    .as(ref)
                    .isTrue();
        }
    }

    @Test
    void everyInternalReferenceResolves() {
        for (String ref : refs(doc)) {
            if (ref.startsWith("#")) {
                assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
            }
        }
    }

    @Test
    void everyTopicIsAChannelCarryingExactlyItsEvents() {
        Map<String, JsonNode> byAddress = channelsByAddress();
        for (String topic : Topics.ALL) {
            JsonNode channel = byAddress.get(topic);
            assertThat(channel).as("channel for " + topic).isNotNull();
            Set<String> messages = new HashSet<>();
            channel.path("messages").fieldNames().forEachRemaining(messages::add);
            assertThat(messages)
                    .as(topic)
                    .containsExactlyInAnyOrderElementsOf(EventType.onTopic(topic).stream()
                            .map(EventType::simpleName)
                            .toList());
        }
    }

    @Test
    void deadLetterChannelIsDescribed() {
        JsonNode dlq = channelsByAddress().get("{topic}.{group}.dlq");
        assertThat(dlq).isNotNull();
        assertThat(dlq.path("description").asText()).isNotBlank();
        List<String> topics = new ArrayList<>();
        dlq.path("parameters").path("topic").path("enum").forEach(n -> topics.add(n.asText()));
        assertThat(topics).containsExactlyElementsOf(Topics.ALL);
        assertThat(dlq.path("parameters").has("group")).isTrue();
        assertThat(Topics.deadLetter("TOPIC", "GROUP")).isEqualTo("TOPIC.GROUP.dlq");
    }

    @Test
    void everyChannelIsSentAndReceivedByNamedServices() {
        Map<String, Set<String>> actions = new TreeMap<>();
        Set<String> services = new HashSet<>();
        doc.path("operations").properties().forEach(op -> {
            JsonNode operation = op.getValue();
            String channel = operation.path("channel").path("$ref").asText();
            actions.computeIfAbsent(channel, c -> new HashSet<>())
                    .add(operation.path("action").asText());
            operation.path("tags").forEach(tag -> services.add(tag.path("name").asText()));
            operation
                    .path("messages")
                    .forEach(m ->
                            assertThat(m.path("$ref").asText()).as(op.getKey()).startsWith(channel + "/messages/"));
        });
        doc.path("channels")
                .fieldNames()
                .forEachRemaining(name -> assertThat(actions.get("#/channels/" + name))
                        .as(name)
                        .containsExactlyInAnyOrder("send", "receive"));
        assertThat(services)
                .contains("provisioning-service", "migration-worker", "webhook-dispatcher", "other-services");
    }

    private static Map<String, JsonNode> channelsByAddress() {
        Map<String, JsonNode> byAddress = new TreeMap<>();
        doc.path("channels")
                .forEach(channel -> byAddress.put(channel.path("address").asText(), channel));
        return byAddress;
    }

    private static List<String> refs(JsonNode node) {
        List<String> out = new ArrayList<>();
        collectRefs(node, out);
        return out;
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, out));
        }
    }
}
