package org.hermod.outbox;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.hermod.channel.SmsChannel;

/**
 * {@code /observe/health} entry {@code channel:<name>} (group {@code hermod}): DOWN while the channel cannot take SMS
 * (its link is down) or its last batch failed for a transient reason with nothing sent, naming the error and since
 * when; UP otherwise. A readiness check only: restarting Hermod does not bring a provider back.
 */
public final class ChannelHealthCheck extends AbstractHealthCheck {

    static final String PREFIX = "channel:";

    private final SmsChannel channel;
    private final ChannelHealth health;

    public ChannelHealthCheck(SmsChannel channel, ChannelHealth health) {
        super("hermod", PREFIX + channel.name());
        this.channel = channel;
        this.health = health;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ChannelHealth.State s = health.of(channel.name());
        if (s.lastSuccess() != null) {
            builder.detail("channel.last.success", s.lastSuccess().toString());
        }
        if (!channel.ready()) {
            builder.message("channel " + channel.name() + " cannot take SMS now (link down); queued SMS wait").down();
        } else if (s.failing()) {
            builder.detail("channel.failing.since", s.failingSince().toString());
            builder.detail("channel.failed.batches", s.failedBatches());
            builder.message("channel " + channel.name() + " has sent nothing since " + s.failingSince() + " ("
                    + s.failedBatches() + " batches retried): " + s.lastError()).down();
        } else {
            builder.up();
        }
    }
}
