package io.sipmap.domain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 32 hexadecimal digits of a SID as the 128-bit number they spell, held in two longs (the first 16 digits, the
 * last 16). A SID so held is one small object: no String and no array to reach through, which is what a list of
 * thousands of SIDs written out or searched costs most.
 */
final class SidDigits {

    /** Writes a long into a byte array as 8 bytes, most significant first. */
    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** {@link #classes}: some digit is an upper-case letter. */
    static final int UPPER = 1;
    /** {@link #classes}: some character is not a hex digit. */
    static final int NOT_HEX = 2;
    /** The class of each ASCII character: 0 for 0-9 and a-f, {@link #UPPER} for A-F, {@link #NOT_HEX} for the rest. */
    private static final byte[] CLASS = new byte[128];

    static {
        java.util.Arrays.fill(CLASS, (byte) NOT_HEX);
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] = 0;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            CLASS[c] = 0;
            CLASS[c - 'a' + 'A'] = UPPER;
        }
    }

    private SidDigits() {
    }

    /**
     * The classes of the 32 characters after a 34-character SID's prefix, or-ed: 0 when they are lower-case hex
     * digits, {@link #UPPER} when some are upper case, with {@link #NOT_HEX} when some are not hex digits at all.
     * Without a branch per character, which random digits and letters would mispredict.
     */
    static int classes(String value) {
        int classes = 0;
        for (int i = 2; i < 34; i++) {
            char c = value.charAt(i);
            classes |= CLASS[c & 0x7f] | (c >>> 7) << 1; // a character from 128 on sets a bit above UPPER
        }
        return classes == UPPER || classes == 0 ? classes : classes | NOT_HEX;
    }

    /**
     * The first 16 digits of {@code value} as a number, once it is checked to be {@code prefix} and 32 hex digits.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when it is not
     */
    static long high(String prefix, String value, String parameter) {
        if (!Sid.isWellFormed(prefix, value)) {
            Sid.canonical(prefix, value, parameter); // throws, with the message
        }
        return parse(value, 2);
    }

    /** The last 16 digits of {@code value}, a SID already checked by {@link #high}. */
    static long low(String value) {
        return parse(value, 18);
    }

    /** 16 hex digits of either case from {@code from} on, already checked to be digits. */
    static long parse(String value, int from) {
        long n = 0;
        for (int i = from; i < from + 16; i++) {
            char c = value.charAt(i);
            // without a branch, which random digits would mispredict half the time: '0'..'9' are 0x30..0x39,
            // 'A'..'F' and 'a'..'f' end in 1..6 and have bit 6 set
            n = n << 4 | (c & 0xf) + 9 * (c >> 6);
        }
        return n;
    }

    /** The canonical text: the prefix and 32 lower-case digits. */
    static String format(String prefix, long high, long low) {
        byte[] text = new byte[34];
        write(prefix, high, low, text, 0);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** The 34 bytes of the canonical text, written into {@code into} from {@code at}. */
    static void write(String prefix, long high, long low, byte[] into, int at) {
        into[at] = (byte) prefix.charAt(0);
        into[at + 1] = (byte) prefix.charAt(1);
        LONG_BIG_ENDIAN.set(into, at + 2, hex(high >>> 32));
        LONG_BIG_ENDIAN.set(into, at + 10, hex(high & 0xffffffffL));
        LONG_BIG_ENDIAN.set(into, at + 18, hex(low >>> 32));
        LONG_BIG_ENDIAN.set(into, at + 26, hex(low & 0xffffffffL));
    }

    /**
     * The 8 lower-case hex digits of a 32-bit number as 8 ASCII bytes in a long, first digit in the top byte: each
     * nibble spread into its own byte, then '0' added to all and 'a' - '0' - 10 more to those of 10 and above.
     */
    private static long hex(long x) {
        x = (x | x << 16) & 0x0000ffff0000ffffL;
        x = (x | x << 8) & 0x00ff00ff00ff00ffL;
        x = (x | x << 4) & 0x0f0f0f0f0f0f0f0fL;
        long letters = (x + 0x0606060606060606L) >>> 4 & 0x0101010101010101L;
        return x + 0x3030303030303030L + letters * ('a' - '0' - 10);
    }

    /** Compares two SIDs' numbers, unsigned, as their lower-case digits compare as text. */
    static int compare(long high, long low, long otherHigh, long otherLow) {
        int c = Long.compareUnsigned(high, otherHigh);
        return c != 0 ? c : Long.compareUnsigned(low, otherLow);
    }
}
