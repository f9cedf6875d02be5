package org.hermod.config;

/** A configuration key is missing or has an invalid value; the message starts with the key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super("Configuration " + key + " " + problem);
    }
}
