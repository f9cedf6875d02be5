package org.hermod.outbox;

/** Dispatch order: emergency first, bulk last. The ordinal is stored. */
public enum Priority {
    EMERGENCY, NORMAL, BULK;

    public static Priority of(int stored) {
        return values()[stored];
    }
}
