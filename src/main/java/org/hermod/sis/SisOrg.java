package org.hermod.sis;

/** A school or other organisation; {@code type} is the OneRoster orgType, e.g. {@code school}. */
public record SisOrg(String sourcedId, String name, String type) {
}
