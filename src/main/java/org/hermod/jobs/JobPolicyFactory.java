package org.hermod.jobs;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Every route started by a timer or scheduler is a job: it is registered in the job table and gets the policy.
 * The timer only ticks (every second or the poll interval); when the job runs is its schedule's business, so
 * "run now" and schedule changes take effect within a tick. A job's first schedule comes from
 * {@code hermod.jobs.<route id>.schedule} (a Quartz cron expression; unset = every tick) and whether it is active
 * from {@code hermod.jobs.<route id>.active} (default true; false: it runs only when asked to until it is activated
 * through the API); after that the stored settings, edited through the API, rule. Timers in the {@value #INFRASTRUCTURE} group are not jobs.
 */
public final class JobPolicyFactory implements RoutePolicyFactory {

    /**
     * Route group of timers that keep Hermod correct rather than do work (the outbox lease): not jobs, so no one
     * can deactivate, reschedule or restrict them through the API.
     */
    public static final String INFRASTRUCTURE = "infrastructure";

    private final Jobs jobs;
    private final JobPolicy policy;
    private final Function<String, Optional<String>> defaultSchedule;
    private final Predicate<String> activeAtFirst;

    public JobPolicyFactory(Jobs jobs, JobPolicy policy, Function<String, Optional<String>> defaultSchedule,
                            Predicate<String> activeAtFirst) {
        this.jobs = jobs;
        this.policy = policy;
        this.defaultSchedule = defaultSchedule;
        this.activeAtFirst = activeAtFirst;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        if (route instanceof RouteDefinition definition && isScheduled(definition.getInput().getEndpointUri())
                && !INFRASTRUCTURE.equals(definition.getGroup())) {
            String description = definition.getDescription();
            jobs.register(routeId, description, defaultSchedule.apply(routeId).orElse(null), activeAtFirst.test(routeId));
            return policy;
        }
        return null;
    }

    static boolean isScheduled(String uri) {
        return uri != null && (uri.startsWith("timer:") || uri.startsWith("scheduler:") || uri.startsWith("quartz:"));
    }
}
