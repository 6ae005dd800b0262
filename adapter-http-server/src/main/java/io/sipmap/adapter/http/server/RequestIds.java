package io.sipmap.adapter.http.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request ids: {@code RQ} and 32 lower-case hex digits, unique per request and not to be guessed from
 * others. Each thread encrypts its own counter with AES under a key of its own drawn from {@link SecureRandom}: a
 * permutation, so a thread never repeats an id, and without the key the ids of one thread say nothing about its
 * next. A plain fast generator such as {@code ThreadLocalRandom} would not do: its output gives its state away, so one
 * id predicts the next. The blocks are encrypted 64 at a time, with the CPU's AES instructions: some 50 ns an id.
 * Thread-safe: all state is per thread.
 */
final class RequestIds {

    /** The response header that carries the id, as Twilio names it. */
    static final String HEADER = "Twilio-Request-Id";

    private static final SecureRandom SEEDS = new SecureRandom();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<Generator> GENERATORS = ThreadLocal.withInitial(Generator::new);

    private RequestIds() {
    }

    /** A new id. */
    static String next() {
        return GENERATORS.get().next();
    }

    private static final class Generator {
        /** Ids encrypted at once: one call of the cipher per block costs more than the block itself. */
        private static final int BATCH = 64;

        private final Cipher cipher;
        private final byte[] counters = new byte[16 * BATCH];
        private final byte[] encrypted = new byte[16 * BATCH];
        private final byte[] text = new byte[34];
        private long counter;
        private int used = BATCH;

        Generator() {
            byte[] key = new byte[16];
            SEEDS.nextBytes(key);
            try {
                cipher = Cipher.getInstance("AES/ECB/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES is missing from this JDK", e);
            }
            text[0] = 'R';
            text[1] = 'Q';
        }

        String next() {
            if (used == BATCH) {
                refill();
            }
            int at = 16 * used++;
            for (int i = 0; i < 16; i++) {
                byte b = encrypted[at + i];
                text[2 + 2 * i] = HEX[(b >> 4) & 0xf];
                text[3 + 2 * i] = HEX[b & 0xf];
            }
            return new String(text, StandardCharsets.US_ASCII);
        }

        private void refill() {
            for (int block = 0; block < BATCH; block++) {
                long n = counter++;
                for (int i = 0; i < 8; i++) {
                    counters[16 * block + i] = (byte) (n >>> (56 - 8 * i));
                }
            }
            try {
                cipher.doFinal(counters, 0, counters.length, encrypted, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES failed", e);
            }
            used = 0;
        }
    }
}
