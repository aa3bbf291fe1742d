package dev.tenantry.provisioning.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlugPolicyTests {

    private final SlugPolicy policy = new SlugPolicy(List.of("billing", "internal_*"));

    @ParameterizedTest
    @ValueSource(strings = {"acme", "acme_corp", "a12", "abcdefghijklmnopqrstuvwxyz0123456789_abc"})
    void acceptsSlugsThatMatchThePatternAndAreNotReserved(String slug) {
        assertThat(policy.refusal(slug)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ab",
                "Acme",
                "1acme",
                "_acme",
                "acme-corp",
                "acme corp",
                "ümlaut",
                "abcdefghijklmnopqrstuvwxyz0123456789_abcd"
            })
    void refusesSlugsOutsideThePattern(String slug) {
        assertThat(policy.refusal(slug))
                .hasValueSatisfying(why -> assertThat(why).contains("must match"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "public",
                "information_schema",
                "pg_catalog",
                "pg_anything",
                "tenantry",
                "tenantry_core",
                "deleted_acme",
                "billing",
                "internal_tools"
            })
    void refusesReservedNamesBuiltInAndConfigured(String slug) {
        assertThat(policy.refusal(slug))
                .hasValueSatisfying(why -> assertThat(why).contains("reserved"));
    }

    @Test
    void aConfiguredExactNameIsNotAPrefix() {
        assertThat(policy.refusal("billing_eu")).isEmpty();
        assertThat(policy.refusal(null)).contains("is required");
    }
}
