package org.hermod.outbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hermod.channel.ReceiptListener;
import org.hermod.db.GroupWriter;

/**
 * Stores delivery reports that arrive together in one go (group commit), for a channel whose provider sends one
 * report per message and waits for each answer (SMPP deliver_sm). Receiving threads hand over a report and wait; one
 * writer takes whatever has arrived meanwhile, at most {@code maxGroup}, hands their texts to the
 * {@link ReceiptListener} and applies them with {@link DeliveryReports#applyAll}, and answers each thread as soon as
 * that has committed (settling their SMS follows, while the next receipts arrive).
 * So the promise is {@link DeliveryReports#apply}'s: when {@link #apply} returns, the report is stored; a receiving
 * thread acknowledges the report to the provider only then, and one whose group failed is refused and delivered again.
 * Without grouping, every report cost three transactions of its own.
 *
 * <p>If a group fails, each of its reports is tried again alone, so a report that cannot be stored fails alone.
 */
public final class ReportCommit implements AutoCloseable {

    /** A report as received, with its text for the listener (Kannel's {@code %A}). */
    public record Received(DeliveryReports.Incoming report, String text) {
    }

    private final DeliveryReports reports;
    private final ReceiptListener listener;
    private final GroupWriter<Received, Boolean> writer;

    public ReportCommit(DeliveryReports reports, ReceiptListener listener, int maxGroup, String name) {
        this.reports = reports;
        this.listener = listener;
        this.writer = new GroupWriter<>("report-commit-" + name, maxGroup, this::store, ReportCommit::stopping);
    }

    /** Stores the report with the others that came with it; returns once committed, as {@link DeliveryReports#apply}. */
    public boolean apply(Received received) {
        return writer.submit(received);
    }

    private static IllegalStateException stopping() {
        return new IllegalStateException("Hermod is stopping: the report was not stored");
    }

    /**
     * Gives the group's texts to the listener, then stores the reports; answered once stored, before their SMS are
     * settled, so the next receipts come while this group settles (a settle that fails is left to housekeeping's
     * {@link DeliveryReports#settleReported}, as after a crash).
     */
    private void store(List<Received> group, Consumer<List<Boolean>> committed) {
        Map<String, List<ReceiptListener.Receipt>> texts = new LinkedHashMap<>();
        for (Received r : group) {
            texts.computeIfAbsent(r.report().channel(), k -> new ArrayList<>())
                    .add(new ReceiptListener.Receipt(r.report().providerId(), r.text()));
        }
        texts.forEach(listener::receipts);
        reports.applyAll(group.stream().map(Received::report).toList(), committed);
    }

    /** Stores what is waiting, then stops; reports that come later are refused (and delivered again). */
    @Override
    public void close() {
        writer.close();
    }
}
