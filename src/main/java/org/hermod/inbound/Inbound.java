package org.hermod.inbound;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hermod.db.Jdbc;
import org.hermod.mail.Mailer;
import org.hermod.outbox.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound table for all channels and the keyword router. A channel calls {@link #received}; the SMS is
 * stored first (idempotent on channel + provider id, so a repeated delivery changes nothing), then handed to
 * the handler of its keyword, or forwarded by e-mail when no handler takes it (seed 002: "Die zu
 * empfangenden SMS werden an die vorkonfigurierte E-Mail-Adresse weitergeleitet"). A handler failure is
 * written to the row, so nothing received is lost.
 */
public final class Inbound {

    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    private final Jdbc jdbc;
    private final Clock clock;
    private final Mailer mailer;
    private final String forwardTo;
    private final Map<String, KeywordHandler> handlers = new HashMap<>();
    private final InboundParts parts;

    public Inbound(Jdbc jdbc, Clock clock, Mailer mailer, String forwardTo, Collection<KeywordHandler> handlers) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.parts = new InboundParts(jdbc, clock);
        this.mailer = mailer;
        this.forwardTo = forwardTo;
        handlers.forEach(h -> h.keywords().forEach(k -> this.handlers.put(k.toUpperCase(), h)));
    }

    /**
     * Stores and routes one received SMS. Returns false when it was already received (a repeated delivery).
     */
    public boolean received(String channel, String providerId, String sender, String recipient, String text, Instant at) {
        InboundFit fit = InboundFit.of(providerId, sender, recipient, text);
        return received(channel, fit, at);
    }

    private boolean received(String channel, InboundFit fit, Instant at) {
        String providerId = fit.providerId();
        String sender = fit.sender();
        String recipient = fit.recipient();
        String text = fit.text();
        Instant receivedAt = at == null ? clock.instant() : at;
        boolean fresh = jdbc.tx(c -> {
            if (!Jdbc.query(c, "select id from inbound_sms where channel = ? and provider_id = ?", rs -> rs.getLong(1),
                    channel, providerId).isEmpty()) {
                return false;
            }
            Jdbc.update(c, "insert into inbound_sms (channel, provider_id, sender, recipient, text, received_at) "
                    + "values (?, ?, ?, ?, ?, ?)", channel, providerId, sender, recipient, text, receivedAt);
            return true;
        });
        if (!fresh) {
            LOG.debug("Inbound SMS {} on {} was already received", providerId, channel);
            return false;
        }
        InboundSms sms = find(channel, providerId).orElseThrow();
        LOG.info("Inbound SMS {} from {} on {}", sms.id(), PhoneNumbers.mask(sender), channel);
        if (!fit.changes().isEmpty()) {
            LOG.warn("Inbound SMS {} on {} was stored with {} to fit its columns", sms.id(), channel,
                    String.join(", ", fit.changes()));
        }
        route(sms);
        return true;
    }

    /**
     * One part of a concatenated SMS: kept until all parts are there, then the whole message is received (its
     * id from sender, reference and text, so a redelivered message is stored once).
     */
    public void receivedPart(String channel, InboundParts.Part part, String recipient, Instant at) {
        List<InboundParts.Part> all = parts.add(channel, part);
        if (!all.isEmpty()) {
            receivedWhole(channel, all, recipient, at, false);
        }
    }

    /** Delivers concatenated SMS still incomplete after {@code timeout}, their gaps marked; housekeeping calls it. */
    public int expireParts(java.time.Duration timeout) {
        int n = 0;
        for (String channel : jdbc.query("select distinct channel from inbound_part", rs -> rs.getString(1))) {
            for (List<InboundParts.Part> incomplete : parts.takeIncomplete(channel, clock.instant().minus(timeout))) {
                LOG.warn("SMS from {} on {} arrived incomplete ({} of {} parts) and is delivered as it is",
                        PhoneNumbers.mask(incomplete.get(0).sender()), channel, incomplete.size(), incomplete.get(0).total());
                receivedWhole(channel, incomplete, null, clock.instant(), true);
                n++;
            }
        }
        return n;
    }

    private void receivedWhole(String channel, List<InboundParts.Part> all, String recipient, Instant at,
                               boolean incomplete) {
        String text = InboundParts.join(all);
        InboundParts.Part first = all.get(0);
        String id = "concat/" + first.sender() + "/" + first.reference() + "-" + first.total() + "/"
                + Integer.toHexString(text.hashCode()) + (incomplete ? "/incomplete" : "");
        received(channel, id, first.sender(), recipient, text, at);
    }

    private void route(InboundSms sms) {
        KeywordHandler handler = handlers.get(sms.keyword());
        try {
            if (handler != null) {
                handler.handle(sms);
                mark(sms, handler.name(), null);
            } else if (forwardTo != null && !forwardTo.isBlank() && mailer.send(forwardTo,
                    // the office answers, so the body names the sender; a subject shows on lock screens: masked
                    "SMS from " + org.hermod.outbox.PhoneNumbers.mask(sms.sender()), "From: " + sms.sender()
                            + "\nReceived: " + sms.receivedAt()
                            + "\nChannel: " + sms.channel() + "\n\n" + sms.text())) {
                mark(sms, "mail-forward", null);
            } else {
                mark(sms, null, "no handler for keyword '" + sms.keyword() + "' and no forward address");
            }
        } catch (RuntimeException e) {
            LOG.error("Inbound SMS {} could not be handled: {}", sms.id(), e.toString());
            mark(sms, handler == null ? "mail-forward" : handler.name(), "failed: " + e.getMessage());
        }
    }

    private void mark(InboundSms sms, String handledBy, String error) {
        jdbc.update("update inbound_sms set keyword = ?, handled_by = ?, handled_at = ?, error = ? where id = ?",
                sms.keyword().length() > 32 ? sms.keyword().substring(0, 32) : sms.keyword(), handledBy,
                error == null ? clock.instant() : null, error == null || error.length() <= 1000 ? error
                        : error.substring(0, 999) + "…", sms.id());
    }

    public Optional<InboundSms> find(String channel, String providerId) {
        return jdbc.query("select * from inbound_sms where channel = ? and provider_id = ?", Inbound::map, channel,
                providerId).stream().findFirst();
    }

    public List<InboundSms> recent(int max) {
        return jdbc.query("select * from inbound_sms order by id desc limit " + max, Inbound::map);
    }

    private static InboundSms map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new InboundSms(rs.getLong("id"), rs.getString("channel"), rs.getString("provider_id"),
                rs.getString("sender"), rs.getString("recipient"), rs.getString("text"),
                org.hermod.db.Database.instant(rs, "received_at"));
    }
}
