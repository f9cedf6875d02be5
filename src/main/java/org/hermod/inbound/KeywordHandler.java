package org.hermod.inbound;

/**
 * Handles inbound SMS starting with a keyword (e.g. the SMS password reset's {@code PASSWORD}).
 * Handlers are beans in the registry; the router finds them by type.
 */
public interface KeywordHandler {

    /** The keywords handled, upper case. */
    java.util.Set<String> keywords();

    /** A name for the inbound table's {@code handled_by}. */
    String name();

    void handle(InboundSms sms);
}
