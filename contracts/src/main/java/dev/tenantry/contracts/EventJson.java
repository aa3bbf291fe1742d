package dev.tenantry.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson configuration for Tenantry event data: Java time support with ISO-8601 strings,
 * unknown properties ignored (additive evolution), null optional properties left out, missing
 * primitive properties rejected, trailing garbage rejected. {@code MigrationKind} is always
 * written in lower case by its own annotations.
 */
public final class EventJson {

    private static final ObjectMapper SHARED = newMapper();

    private EventJson() {}

    /**
     * The shared, preconfigured mapper. Thread-safe; do not reconfigure it (use
     * {@link #newMapper()} for a private copy).
     *
     * @return the shared mapper
     */
    public static ObjectMapper mapper() {
        return SHARED;
    }

    /** @return a new mapper with the Tenantry configuration */
    public static ObjectMapper newMapper() {
        return configure(new ObjectMapper());
    }

    /**
     * Applies the Tenantry configuration to an existing mapper, e.g. from a Quarkus
     * {@code ObjectMapperCustomizer}.
     *
     * @param mapper the mapper to configure
     * @return the same mapper
     */
    public static ObjectMapper configure(ObjectMapper mapper) {
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
        return mapper;
    }
}
