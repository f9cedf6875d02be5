package org.hermod.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SmsChannel;

/** A channel whose answer per recipient the test decides; it records every SMS handed to it. */
public final class ScriptedChannel implements SmsChannel {

    private final String name;
    private final Map<String, SendOutcome.Result> script = new ConcurrentHashMap<>();
    public final List<OutgoingSms> received = new CopyOnWriteArrayList<>();

    public ScriptedChannel(String name) {
        this.name = name;
    }

    public void answer(String recipient, SendOutcome.Result result) {
        script.put(recipient, result);
    }

    public long countTo(String recipient) {
        return received.stream().filter(s -> s.recipient().equals(recipient)).count();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<SendOutcome> send(List<OutgoingSms> batch) {
        received.addAll(batch);
        return batch.stream().map(s -> switch (script.getOrDefault(s.recipient(), SendOutcome.Result.SENT)) {
            case SENT -> SendOutcome.sent(s.id(), "scripted-" + s.id());
            case RETRY -> SendOutcome.retry(s.id(), "throttled by test");
            case FAILED -> SendOutcome.failed(s.id(), "invalid destination (test)");
            case NOT_SENT -> SendOutcome.notSent(s.id(), "link down (test)");
            case IN_DOUBT -> SendOutcome.inDoubt(s.id(), "no answer (test)");
        }).toList();
    }
}
