package org.hermod.jobs;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/** Every route started by a timer or scheduler is a job: it is registered in the job table and gets the policy. */
public final class JobPolicyFactory implements RoutePolicyFactory {

    private final Jobs jobs;
    private final JobPolicy policy;

    public JobPolicyFactory(Jobs jobs, JobPolicy policy) {
        this.jobs = jobs;
        this.policy = policy;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        if (route instanceof RouteDefinition definition && isScheduled(definition.getInput().getEndpointUri())) {
            String description = definition.getDescription();
            jobs.register(routeId, description);
            return policy;
        }
        return null;
    }

    static boolean isScheduled(String uri) {
        return uri != null && (uri.startsWith("timer:") || uri.startsWith("scheduler:") || uri.startsWith("quartz:"));
    }
}
