package org.hermod.channel;

import org.hermod.sms.SmsText;

/** One claimed SMS as a channel sees it: the E.164 recipient and the final text (fixed text included). */
public record OutgoingSms(long id, String tenant, String recipient, SmsText text, int priority) {

    public boolean emergency() {
        return priority == 0;
    }
}
