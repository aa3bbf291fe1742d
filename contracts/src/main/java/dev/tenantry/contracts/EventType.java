package dev.tenantry.contracts;

import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.DeleteTenant;
import dev.tenantry.contracts.events.RolloutCompleted;
import dev.tenantry.contracts.events.RolloutHalted;
import dev.tenantry.contracts.events.RolloutStageCompleted;
import dev.tenantry.contracts.events.RolloutStarted;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantProvisioningFailed;
import dev.tenantry.contracts.events.TenantProvisioningStarted;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantUpgradeFailed;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.contracts.events.TenantUpgraded;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.events.UpgradeTenant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The single registry of Tenantry event types: record class, CloudEvents {@code type} string,
 * simple name and the topic(s) the event is published on.
 *
 * <p>The type strings are also available as compile-time constants in {@link Types}, for use in
 * {@code switch} statements and annotations.
 */
public enum EventType {

    /** {@value Types#CREATE_TENANT} */
    CREATE_TENANT(CreateTenant.class, Types.CREATE_TENANT, Topics.TENANT_COMMANDS),
    /** {@value Types#UPGRADE_TENANT} */
    UPGRADE_TENANT(UpgradeTenant.class, Types.UPGRADE_TENANT, Topics.TENANT_COMMANDS),
    /** {@value Types#DELETE_TENANT} */
    DELETE_TENANT(DeleteTenant.class, Types.DELETE_TENANT, Topics.TENANT_COMMANDS),

    /** {@value Types#TENANT_REQUESTED} */
    TENANT_REQUESTED(TenantRequested.class, Types.TENANT_REQUESTED, Topics.TENANT_MIGRATION_REQUESTS),
    /** {@value Types#TENANT_UPGRADE_REQUESTED} */
    TENANT_UPGRADE_REQUESTED(
            TenantUpgradeRequested.class, Types.TENANT_UPGRADE_REQUESTED, Topics.TENANT_MIGRATION_REQUESTS),
    /** {@value Types#TENANT_ROLLBACK_REQUESTED} */
    TENANT_ROLLBACK_REQUESTED(
            TenantRollbackRequested.class, Types.TENANT_ROLLBACK_REQUESTED, Topics.TENANT_MIGRATION_REQUESTS),
    /** {@value Types#TENANT_DELETION_REQUESTED} */
    TENANT_DELETION_REQUESTED(
            TenantDeletionRequested.class, Types.TENANT_DELETION_REQUESTED, Topics.TENANT_MIGRATION_REQUESTS),

    /** {@value Types#TENANT_MIGRATED} */
    TENANT_MIGRATED(TenantMigrated.class, Types.TENANT_MIGRATED, Topics.TENANT_MIGRATION_RESULTS),
    /** {@value Types#TENANT_MIGRATION_FAILED} */
    TENANT_MIGRATION_FAILED(
            TenantMigrationFailed.class, Types.TENANT_MIGRATION_FAILED, Topics.TENANT_MIGRATION_RESULTS),
    /** {@value Types#TENANT_ROLLED_BACK} */
    TENANT_ROLLED_BACK(TenantRolledBack.class, Types.TENANT_ROLLED_BACK, Topics.TENANT_MIGRATION_RESULTS),
    /** {@value Types#TENANT_DELETED}; published on the results topic and on the lifecycle topic. */
    TENANT_DELETED(TenantDeleted.class, Types.TENANT_DELETED, Topics.TENANT_MIGRATION_RESULTS, Topics.TENANT_LIFECYCLE),

    /** {@value Types#TENANT_PROVISIONING_STARTED} */
    TENANT_PROVISIONING_STARTED(
            TenantProvisioningStarted.class, Types.TENANT_PROVISIONING_STARTED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#TENANT_ACTIVATED} */
    TENANT_ACTIVATED(TenantActivated.class, Types.TENANT_ACTIVATED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#TENANT_PROVISIONING_FAILED} */
    TENANT_PROVISIONING_FAILED(
            TenantProvisioningFailed.class, Types.TENANT_PROVISIONING_FAILED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#TENANT_UPGRADED} */
    TENANT_UPGRADED(TenantUpgraded.class, Types.TENANT_UPGRADED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#TENANT_UPGRADE_FAILED} */
    TENANT_UPGRADE_FAILED(TenantUpgradeFailed.class, Types.TENANT_UPGRADE_FAILED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#TENANT_REQUEST_REJECTED} */
    TENANT_REQUEST_REJECTED(TenantRequestRejected.class, Types.TENANT_REQUEST_REJECTED, Topics.TENANT_LIFECYCLE),

    /** {@value Types#ROLLOUT_STARTED} */
    ROLLOUT_STARTED(RolloutStarted.class, Types.ROLLOUT_STARTED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#ROLLOUT_STAGE_COMPLETED} */
    ROLLOUT_STAGE_COMPLETED(RolloutStageCompleted.class, Types.ROLLOUT_STAGE_COMPLETED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#ROLLOUT_HALTED} */
    ROLLOUT_HALTED(RolloutHalted.class, Types.ROLLOUT_HALTED, Topics.TENANT_LIFECYCLE),
    /** {@value Types#ROLLOUT_COMPLETED} */
    ROLLOUT_COMPLETED(RolloutCompleted.class, Types.ROLLOUT_COMPLETED, Topics.TENANT_LIFECYCLE);

    /** CloudEvents {@code type} strings as compile-time constants. */
    public static final class Types {
        /** Type of {@link CreateTenant}. */
        public static final String CREATE_TENANT = "tenantry.command.create-tenant.v1";
        /** Type of {@link UpgradeTenant}. */
        public static final String UPGRADE_TENANT = "tenantry.command.upgrade-tenant.v1";
        /** Type of {@link DeleteTenant}. */
        public static final String DELETE_TENANT = "tenantry.command.delete-tenant.v1";
        /** Type of {@link TenantRequested}. */
        public static final String TENANT_REQUESTED = "tenantry.tenant.requested.v1";
        /** Type of {@link TenantUpgradeRequested}. */
        public static final String TENANT_UPGRADE_REQUESTED = "tenantry.tenant.upgrade-requested.v1";
        /** Type of {@link TenantRollbackRequested}. */
        public static final String TENANT_ROLLBACK_REQUESTED = "tenantry.tenant.rollback-requested.v1";
        /** Type of {@link TenantDeletionRequested}. */
        public static final String TENANT_DELETION_REQUESTED = "tenantry.tenant.deletion-requested.v1";
        /** Type of {@link TenantMigrated}. */
        public static final String TENANT_MIGRATED = "tenantry.tenant.migrated.v1";
        /** Type of {@link TenantMigrationFailed}. */
        public static final String TENANT_MIGRATION_FAILED = "tenantry.tenant.migration-failed.v1";
        /** Type of {@link TenantRolledBack}. */
        public static final String TENANT_ROLLED_BACK = "tenantry.tenant.rolled-back.v1";
        /** Type of {@link TenantDeleted}. */
        public static final String TENANT_DELETED = "tenantry.tenant.deleted.v1";
        /** Type of {@link TenantProvisioningStarted}. */
        public static final String TENANT_PROVISIONING_STARTED = "tenantry.tenant.provisioning-started.v1";
        /** Type of {@link TenantActivated}. */
        public static final String TENANT_ACTIVATED = "tenantry.tenant.activated.v1";
        /** Type of {@link TenantProvisioningFailed}. */
        public static final String TENANT_PROVISIONING_FAILED = "tenantry.tenant.provisioning-failed.v1";
        /** Type of {@link TenantUpgraded}. */
        public static final String TENANT_UPGRADED = "tenantry.tenant.upgraded.v1";
        /** Type of {@link TenantUpgradeFailed}. */
        public static final String TENANT_UPGRADE_FAILED = "tenantry.tenant.upgrade-failed.v1";
        /** Type of {@link TenantRequestRejected}. */
        public static final String TENANT_REQUEST_REJECTED = "tenantry.tenant.request-rejected.v1";
        /** Type of {@link RolloutStarted}. */
        public static final String ROLLOUT_STARTED = "tenantry.rollout.started.v1";
        /** Type of {@link RolloutStageCompleted}. */
        public static final String ROLLOUT_STAGE_COMPLETED = "tenantry.rollout.stage-completed.v1";
        /** Type of {@link RolloutHalted}. */
        public static final String ROLLOUT_HALTED = "tenantry.rollout.halted.v1";
        /** Type of {@link RolloutCompleted}. */
        public static final String ROLLOUT_COMPLETED = "tenantry.rollout.completed.v1";

        private Types() {}
    }

    private static final Map<String, EventType> BY_TYPE = new HashMap<>();
    private static final Map<String, EventType> BY_SIMPLE_NAME = new HashMap<>();
    private static final Map<Class<?>, EventType> BY_CLASS = new HashMap<>();

    static {
        for (EventType t : values()) {
            BY_TYPE.put(t.type, t);
            BY_SIMPLE_NAME.put(t.simpleName(), t);
            BY_CLASS.put(t.eventClass, t);
        }
    }

    private final Class<? extends TenantryEvent> eventClass;
    private final String type;
    private final List<String> topics;

    EventType(Class<? extends TenantryEvent> eventClass, String type, String... topics) {
        this.eventClass = eventClass;
        this.type = type;
        this.topics = List.of(topics);
    }

    /** @return the CloudEvents {@code type}, e.g. {@code tenantry.tenant.requested.v1} */
    public String type() {
        return type;
    }

    /** @return the record class carrying this event's data */
    public Class<? extends TenantryEvent> eventClass() {
        return eventClass;
    }

    /** @return the record's simple name, e.g. {@code TenantRequested}; also the schema file name */
    public String simpleName() {
        return eventClass.getSimpleName();
    }

    /** @return classpath resource of this event's JSON Schema, e.g. {@code schemas/TenantRequested.json} */
    public String schemaResource() {
        return "schemas/" + simpleName() + ".json";
    }

    /** @return the topics this event is published on (one, or two for {@link #TENANT_DELETED}) */
    public List<String> topics() {
        return topics;
    }

    /**
     * @param topic a topic name
     * @return whether this event is published on {@code topic}
     */
    public boolean isPublishedOn(String topic) {
        return topics.contains(topic);
    }

    /**
     * @param type a CloudEvents {@code type} string, may be null
     * @return the matching event type, or empty when unknown
     */
    public static Optional<EventType> byType(String type) {
        return Optional.ofNullable(type == null ? null : BY_TYPE.get(type));
    }

    /**
     * @param simpleName a record simple name such as {@code TenantRequested}, may be null
     * @return the matching event type, or empty when unknown
     */
    public static Optional<EventType> bySimpleName(String simpleName) {
        return Optional.ofNullable(simpleName == null ? null : BY_SIMPLE_NAME.get(simpleName));
    }

    /**
     * @param eventClass an event record class
     * @return its event type
     * @throws IllegalArgumentException if the class is not an event record (e.g. an interface)
     */
    public static EventType of(Class<? extends TenantryEvent> eventClass) {
        EventType t = eventClass == null ? null : BY_CLASS.get(eventClass);
        if (t == null) {
            throw new IllegalArgumentException("not a Tenantry event record: " + eventClass);
        }
        return t;
    }

    /**
     * @param event an event
     * @return its event type
     * @throws IllegalArgumentException if {@code event} is null
     */
    public static EventType of(TenantryEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        return of(event.getClass());
    }

    /**
     * @param topic a topic name
     * @return the event types published on {@code topic}, in declaration order (empty for
     *         unknown topics)
     */
    public static List<EventType> onTopic(String topic) {
        return Arrays.stream(values()).filter(t -> t.isPublishedOn(topic)).toList();
    }
}
