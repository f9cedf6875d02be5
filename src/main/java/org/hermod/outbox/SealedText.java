package org.hermod.outbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.hermod.config.OwnerOnlyFiles;

/**
 * The text of an SMS that carries a temporary password, as the database keeps it while the SMS waits: sealed with
 * AES-256-GCM under a key that is not in the database, opened by the dispatcher just before the channel. So the
 * password is never written in clear to the database (H2 keeps old pages on disk, backups and dumps keep
 * everything); once the SMS is final its text is replaced by the masked one. The JDK's cipher is used directly: one
 * authenticated encryption of a short string needs no library. Format: {@code sealed:v1:} + Base64(IV ‖ ciphertext).
 */
public final class SealedText {

    private static final String PREFIX = "sealed:v1:";
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SealedText(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the secrets key must be 32 bytes (Base64 of 32 random bytes)");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A key given as Base64 ({@code hermod.secrets.key}). */
    public static SealedText ofKey(String base64) {
        return new SealedText(Base64.getDecoder().decode(base64.trim()));
    }

    /**
     * The key in {@code file}, made (32 random bytes, readable by the owner only) when there is none. Every process
     * that shares the database must have the same key: give them the same file or {@code hermod.secrets.key}.
     */
    public static SealedText ofFile(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                RANDOM.nextBytes(key);
                OwnerOnlyFiles.write(file, Base64.getEncoder().encodeToString(key) + "\n", false);
            }
            return ofKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read or create the secrets key " + file + ": " + e.getMessage(), e);
        }
    }

    public String seal(String text) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(text.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The text itself: a sealed one opened, any other as it is. Throws when it was sealed under another key. */
    public String open(String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, IV_BYTES));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("sealed under another key: every process sharing the database needs the "
                    + "same hermod.secrets.key or key file", e);
        }
    }
}
