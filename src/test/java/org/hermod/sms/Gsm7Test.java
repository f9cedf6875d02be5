package org.hermod.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Gsm7Test {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    @Test
    void nordicAndGermanLettersAreGsm() {
        assertThat(Gsm7.canEncode("æøåÆØÅ äöüßÄÖÜ ñÑ èéùìò ÇÉ")).isTrue();
    }

    @Test
    void polishLettersAndAcuteOAreNotGsm() {
        assertThat(Gsm7.canEncode("ó")).isFalse();
        assertThat(Gsm7.canEncode("ò")).isTrue();
        for (String c : new String[] {"ż", "ł", "ć", "ś", "ą", "ę", "ń", "ź", "ç"}) {
            assertThat(Gsm7.canEncode(c)).as(c).isFalse();
        }
    }

    @Test
    void emojiAndRawEscapeAreNotGsm() {
        assertThat(Gsm7.canEncode("hi \uD83D\uDE00")).isFalse();
        assertThat(Gsm7.canEncode("\u001B")).isFalse();
    }

    @Test
    void extensionCharactersCountTwoSeptets() {
        assertThat(Gsm7.septetCount("€")).isEqualTo(2);
        assertThat(Gsm7.septetCount("a€b")).isEqualTo(4);
        assertThat(Gsm7.septetCount("\f^{}\\[~]|€")).isEqualTo(20);
    }

    @Test
    void encodesBasicAndExtensionCodes() {
        assertThat(HEX.formatHex(Gsm7.toSeptets("@£$¥\n\rΔ_ÄÖÑÜ§¿äöñüà")))
                .isEqualTo("000102030A0D10115B5C5D5E5F607B7C7D7E7F");
        assertThat(HEX.formatHex(Gsm7.toSeptets("\f^{}\\[~]|€")))
                .isEqualTo("1B0A1B141B281B291B2F1B3C1B3D1B3E1B401B65");
    }

    @Test
    void rejectionNamesTheCharAndItsIndex() {
        assertThatThrownBy(() -> Gsm7.toSeptets("Zaż"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ż'")
                .hasMessageContaining("index 2");
    }

    @Test
    void everyEncodableCharRoundTrips() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (Gsm7.canEncode(String.valueOf(c))) {
                all.append(c);
            }
        }
        assertThat(all).hasSize(127 + 10);
        assertThat(Gsm7.fromSeptets(Gsm7.toSeptets(all.toString()))).isEqualTo(all.toString());
    }

    @Test
    void unknownEscapeDecodesAsBasicCharacter() {
        assertThat(Gsm7.fromSeptets(new byte[] {0x1B, 0x41, 0x62})).isEqualTo("Ab");
        assertThat(Gsm7.fromSeptets(new byte[] {0x61, 0x1B})).isEqualTo("a ");
    }

    @Test
    void packsTheClassicHelloHello() {
        assertThat(HEX.formatHex(Gsm7.pack(Gsm7.toSeptets("hellohello"), 0))).isEqualTo("E8329BFD4697D9EC37");
    }

    @Test
    void eightSeptetsFillSevenOctets() {
        assertThat(HEX.formatHex(Gsm7.pack(Gsm7.toSeptets("12345678"), 0))).isEqualTo("31D98C56B3DD70");
    }

    @Test
    void fillBitsShiftTheText() {
        assertThat(HEX.formatHex(Gsm7.pack(Gsm7.toSeptets("hellohello"), 1))).isEqualTo("D06536FB8D2EB3D96F");
        assertThat(HEX.formatHex(Gsm7.pack(Gsm7.toSeptets("Hi"), 3))).isEqualTo("40A601");
    }

    @Test
    void unpackReversesPackForEveryFillAndLength() {
        String text = "The quick brown fox {€} jumps over the lazy dog";
        byte[] septets = Gsm7.toSeptets(text);
        for (int fill = 0; fill <= 6; fill++) {
            for (int length = 0; length <= septets.length; length++) {
                byte[] part = Arrays.copyOf(septets, length);
                byte[] packed = Gsm7.pack(part, fill);
                assertThat(packed).hasSize((fill + 7 * length + 7) / 8);
                assertThat(Gsm7.unpack(packed, length, fill)).as("fill %d length %d", fill, length).isEqualTo(part);
            }
        }
    }

    @Test
    void unpackRejectsTooFewOctets() {
        assertThatThrownBy(() -> Gsm7.unpack(new byte[7], 9, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gsm7.pack(new byte[1], 7)).isInstanceOf(IllegalArgumentException.class);
    }
}
