package dev.waymark.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 over UTF-8 text: the digest behind action ids, experiment buckets and journey splits. */
public final class Sha256 {
    private Sha256() {
    }

    /** The 32-byte SHA-256 digest of the UTF-8 bytes of {@code text}. */
    public static byte[] of(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /** The first 8 bytes of the digest of {@code text} as an unsigned big-endian number, modulo {@code modulus}. */
    public static int bucket(String text, int modulus) {
        byte[] digest = of(text);
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (digest[i] & 0xff);
        }
        return (int) Long.remainderUnsigned(high, modulus);
    }
}
