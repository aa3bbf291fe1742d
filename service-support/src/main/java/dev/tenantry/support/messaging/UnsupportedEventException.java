package dev.tenantry.support.messaging;

/** A well-formed event that this consumer has no business receiving; it is dead-lettered. */
public class UnsupportedEventException extends RuntimeException {

    public UnsupportedEventException(String type, String consumerGroup) {
        super("Consumer group " + consumerGroup + " does not handle events of type " + type);
    }
}
