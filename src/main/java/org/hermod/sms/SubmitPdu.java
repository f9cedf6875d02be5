package org.hermod.sms;

/**
 * One SMS-SUBMIT ready for a modem in PDU mode (3GPP TS 27.005 3.5.1, AT+CMGS).
 *
 * @param hex the SMSC address field ("00" for the modem's default SMSC) followed by the TPDU
 * @param tpduLength octets of the TPDU alone, the {@code <length>} of {@code AT+CMGS=<length>}
 */
public record SubmitPdu(String hex, int tpduLength) {
}
