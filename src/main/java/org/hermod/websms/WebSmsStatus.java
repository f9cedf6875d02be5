package org.hermod.websms;

import org.hermod.channel.SendOutcome;
import org.hermod.outbox.DeliveryReports.Report;

/** websms.com answers and delivery report states, as outbox outcomes. Pure functions. */
public final class WebSmsStatus {

    private WebSmsStatus() {
    }

    /**
     * The outcome of a send: {@code statusCode} 2000 (sent) and 2001 (queued) → SENT with the transfer id; 4012 and
     * 4023 (throttled) and 5xxx → RETRY; 4026 (too many parts) and other 4xxx → FAILED with the status message.
     */
    public static SendOutcome outcome(long smsId, int httpStatus, Integer statusCode, String statusMessage,
                                      String transferId) {
        if (httpStatus >= 500 || httpStatus == 429) {
            return SendOutcome.retry(smsId, "websms HTTP " + httpStatus);
        }
        if (statusCode == null) {
            return httpStatus >= 400 ? SendOutcome.failed(smsId, "websms HTTP " + httpStatus)
                    : SendOutcome.retry(smsId, "websms answered HTTP " + httpStatus + " without a statusCode");
        }
        String why = "websms " + statusCode + (statusMessage == null ? "" : " " + statusMessage);
        if (statusCode == 2000 || statusCode == 2001) {
            return transferId == null || transferId.isBlank()
                    ? SendOutcome.retry(smsId, why + " without a transferId")
                    : SendOutcome.sent(smsId, transferId);
        }
        if (statusCode == 4012 || statusCode == 4023 || statusCode >= 5000) {
            return SendOutcome.retry(smsId, why);
        }
        return SendOutcome.failed(smsId, why);
    }

    /**
     * A delivery report's {@code deliveryReportMessageStatus}: delivered → DELIVERED; undelivered, expired, deleted,
     * rejected → FAILED; accepted (and anything unknown) is not final: null.
     */
    public static Report report(String status) {
        if (status == null) {
            return null;
        }
        return switch (status.toLowerCase()) {
            case "delivered" -> Report.delivered();
            case "undelivered", "expired", "deleted", "rejected" -> Report.failed("websms report: " + status.toLowerCase());
            default -> null;
        };
    }
}
