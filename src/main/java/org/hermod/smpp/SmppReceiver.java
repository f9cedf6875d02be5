package org.hermod.smpp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import org.hermod.channel.ReceiptListener;
import org.hermod.inbound.Inbound;
import org.hermod.inbound.InboundParts;
import org.hermod.outbox.DeliveryReports;
import org.hermod.outbox.ReportCommit;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a deliver_sm means: a delivery receipt (esm_class receipt bits) is applied to the outbox by its SMSC
 * message id; anything else is an inbound SMS for {@link Inbound#received}. If storing fails the deliver_sm is
 * answered with ESME_RSYSERR, so the SMSC delivers it again rather than it being lost. Receipts that arrive together
 * on the receiving threads are stored together ({@link ReportCommit}); each deliver_sm is answered only after its
 * group committed.
 */
final class SmppReceiver implements MessageReceiverListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmppReceiver.class);
    private static final int ESME_RSYSERR = 0x08;

    private final String channel;
    private final ReportCommit reports;
    private final Inbound inbound;
    private final Clock clock;

    SmppReceiver(String channel, DeliveryReports reports, Inbound inbound, ReceiptListener receipts, Clock clock,
                 int maxGroup) {
        this.channel = channel;
        this.reports = new ReportCommit(reports, receipts, maxGroup, channel);
        this.inbound = inbound;
        this.clock = clock;
    }

    @Override
    public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
        try {
            if (isReceipt(deliverSm.getEsmClass())) {
                receipt(deliverSm);
            } else {
                inbound(deliverSm);
            }
        } catch (RuntimeException e) {
            LOG.error("SMPP {}: deliver_sm not stored, answered ESME_RSYSERR for redelivery: {}", channel, e.toString());
            throw new ProcessRequestException("not stored: " + e.getMessage(), ESME_RSYSERR);
        }
    }

    /** SMSC delivery receipt (0x04) or intermediate notification (0x20) in esm_class bits 2–5. */
    static boolean isReceipt(byte esmClass) {
        int type = esmClass & 0x3C;
        return type == 0x04 || type == 0x20;
    }

    private void receipt(DeliverSm d) {
        String text = new String(d.getShortMessage() == null ? new byte[0] : d.getShortMessage(),
                StandardCharsets.ISO_8859_1);
        Optional<SmppReceipt> parsed = SmppReceipt.parse(text);
        OptionalParameter tlv = d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
        if (parsed.isEmpty() && tlv instanceof OptionalParameter.COctetString id) {
            parsed = Optional.of(new SmppReceipt(id.getValueAsString(), "DELIVRD", null));
        }
        if (parsed.isEmpty()) {
            LOG.warn("SMPP {}: receipt without a message id ignored: '{}'", channel, text);
            return;
        }
        SmppReceipt receipt = parsed.get();
        if (receipt.isFinal()) {
            // a receipt's source is the handset
            reports.apply(new ReportCommit.Received(new DeliveryReports.Incoming(channel, receipt.id(), d.getSourceAddr(),
                    receipt.report()), text));
        }
    }

    private void inbound(DeliverSm d) {
        String text = SmppParts.decode(d.getEsmClass(), d.getDataCoding(), d.getShortMessage());
        String sender = d.getSourceAddrTon() == 1 && !d.getSourceAddr().startsWith("+") ? "+" + d.getSourceAddr()
                : d.getSourceAddr();
        Instant now = clock.instant();
        int[] concat = SmppParts.concat(d.getEsmClass(), d.getShortMessage());
        if (concat != null && concat[1] > 1) {
            inbound.receivedPart(channel, new InboundParts.Part(sender, concat[0], concat[1], concat[2], text, null),
                    d.getDestAddress(), now);
        } else {
            inbound.received(channel, inboundId(d, now), sender, d.getDestAddress(), text, now);
        }
    }

    /**
     * deliver_sm carries no message id: the same sender, recipient and bytes within the same minute are taken
     * to be a redelivery (the SMSC did not get our deliver_sm_resp) and stored once.
     */
    static String inboundId(DeliverSm d, Instant at) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((d.getSourceAddr() + "|" + d.getDestAddress() + "|" + d.getDataCoding() + "|"
                    + at.truncatedTo(ChronoUnit.MINUTES) + "|").getBytes(StandardCharsets.UTF_8));
            if (d.getShortMessage() != null) {
                md.update(d.getShortMessage());
            }
            return "mo-" + HexFormat.of().formatHex(md.digest()).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stores the receipts waiting, then refuses more (they are answered ESME_RSYSERR and delivered again). */
    @Override
    public void close() {
        reports.close();
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw new ProcessRequestException("data_sm is not supported", 0x03);
    }
}
