package org.hermod.api;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * Camel's Vert.x engine for platform-http, told which port the API's routes belong on.
 *
 * <p>The stock engine finds its port by looking for the one HTTP server in the registry; with {@code /observe/*}
 * on a listener of its own ({@code hermod.observe.port}) there are two, it finds none and falls back to 8080, and
 * every API route fails to start ("no router platform-http-router-8080"). Camel fixes this after 4.17 by marking
 * the main server; until then this engine names the API's port itself. Bound as {@code platform-http-engine},
 * the name the platform-http component looks up first.
 */
public final class ApiHttpEngine extends VertxPlatformHttpEngine {

    private final int port;

    public ApiHttpEngine(int port) {
        this.port = port;
    }

    @Override
    public int getServerPort() {
        return port;
    }
}
