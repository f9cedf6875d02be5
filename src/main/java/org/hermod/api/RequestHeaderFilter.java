package org.hermod.api;

import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * What of an HTTP request becomes a Camel message header, for every platform-http endpoint (set as the component's
 * {@code headerFilterStrategy} in application.properties). platform-http copies the request's headers, its query
 * parameters and form fields into message headers under the names the client chose, then appends the path
 * parameters; beans read their parameters from those headers. So a client could otherwise set headers Hermod decides
 * from. Dropped on the way in:
 * <ul>
 *   <li>names starting with {@code Camel} or {@code Hermod} (any case): Camel's and Hermod's own headers
 *       ({@code CamelHttpResponseCode}, {@code CamelFileName}, {@code HermodSisOutcome}, ...) are Hermod's to set;</li>
 *   <li>{@code Authorization}: credentials are read from the request's own header, never from a message header, so a
 *       query parameter of that name authenticates nobody and the header is never logged or echoed;</li>
 *   <li>the endpoint's path parameter names ({@code id}, {@code name}, {@code channel}): they come from the path only,
 *       {@code ?id=2} or a header {@code id: 2} on {@code /api/sms/1} changes nothing;</li>
 *   <li>request headers other than {@code Content-Type} and {@code Accept}: parameters come from the query string or a
 *       form body, never from a header of the same name ({@code tenant: default} is not {@code ?tenant=default}).
 *       Beans that read a real header (Kannel's {@code X-Kannel-*}, websms' {@code Authorization: Bearer}) read it from
 *       the request itself.</li>
 * </ul>
 * Outgoing headers keep Camel's HTTP default (no {@code Camel*} header leaves, request headers are not echoed), but
 * for {@code Cache-Control}, which Camel drops and the API sets to {@code no-store} ({@link Json#respond}).
 */
public final class RequestHeaderFilter extends HttpHeaderFilterStrategy {

    private static final Set<String> REQUEST_HEADERS_KEPT = Set.of("content-type", "accept");
    /** {name} in the endpoint's path; the rest DSL's endpoint path has the braces URL-encoded. */
    private static final Pattern PATH_PARAMETER = Pattern.compile("(?:\\{|%7B)([^}/%]+)(?:}|%7D)",
            Pattern.CASE_INSENSITIVE);

    private final Map<String, Set<String>> pathParameters = new ConcurrentHashMap<>();

    @Override
    public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("camel") || lower.startsWith("hermod") || lower.startsWith("org.apache.camel")
                || lower.equals("authorization") || pathParameters(exchange).contains(lower)) {
            return true;
        }
        HttpServerRequest request = request(exchange);
        return request != null && !REQUEST_HEADERS_KEPT.contains(lower) && onlyAHeader(request, name, value);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        return !name.equalsIgnoreCase("Cache-Control") && super.applyFilterToCamelHeaders(name, value, exchange);
    }

    /** The pair is one of the request's headers and neither a query parameter nor a form field. */
    private static boolean onlyAHeader(HttpServerRequest request, String name, Object value) {
        if (!request.headers().getAll(name).contains(String.valueOf(value))) {
            return false;
        }
        return !request.params().getAll(name).contains(String.valueOf(value))
                && !request.formAttributes().getAll(name).contains(String.valueOf(value));
    }

    private static HttpServerRequest request(Exchange exchange) {
        HttpMessage http = exchange == null ? null : exchange.getIn(HttpMessage.class);
        return http == null ? null : http.getRequest();
    }

    private Set<String> pathParameters(Exchange exchange) {
        Endpoint endpoint = exchange == null ? null : exchange.getFromEndpoint();
        if (!(endpoint instanceof PlatformHttpEndpoint http) || http.getPath() == null) {
            return Set.of();
        }
        return pathParameters.computeIfAbsent(http.getPath(), path -> {
            Set<String> names = new java.util.HashSet<>();
            Matcher m = PATH_PARAMETER.matcher(path);
            while (m.find()) {
                names.add(m.group(1).toLowerCase(Locale.ROOT));
            }
            return Set.copyOf(names);
        });
    }
}
