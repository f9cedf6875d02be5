package org.hermod.api.auth;

import java.util.Set;
import org.hermod.Problem;

/** The authenticated API user. {@code tenant} is null for an operator, who may act for every tenant. */
public record Principal(String username, String tenant, Set<Permission> permissions) {

    public boolean operator() {
        return tenant == null;
    }

    public Principal require(Permission permission) {
        if (!permissions.contains(permission)) {
            throw new Problem(Problem.Kind.FORBIDDEN, null, "user " + username + " lacks permission " + permission.key);
        }
        return this;
    }

    public Principal requireOperator() {
        if (!operator()) {
            throw new Problem(Problem.Kind.FORBIDDEN, null, "only operators (users without a tenant) may do this");
        }
        return this;
    }

    /** The tenant to act for: the user's own, or for an operator the one asked for (required). */
    public String tenantFor(String requested) {
        if (operator()) {
            if (requested == null || requested.isBlank()) {
                throw Problem.badRequest("tenant", "is required for operators");
            }
            return requested;
        }
        if (requested != null && !requested.isBlank() && !requested.equals(tenant)) {
            throw new Problem(Problem.Kind.FORBIDDEN, "tenant", "user " + username + " may only act for tenant " + tenant);
        }
        return tenant;
    }

    /** For searches: the user's tenant, or for an operator the one asked for (null: all). */
    public String tenantFilter(String requested) {
        return operator() ? (requested == null || requested.isBlank() ? null : requested) : tenantFor(requested);
    }
}
