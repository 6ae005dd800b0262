package io.sipmap.domain;

import java.util.Locale;

/**
 * A Twilio resource identifier: a two-letter prefix naming the kind of resource and 32 hexadecimal digits. Each kind
 * is its own type, so that one cannot stand where another is expected. Values are canonical: the prefix as given and
 * the digits in lower case, which is what sipmap emits; input may use either case.
 *
 * <p>A SID is held as the 128-bit number its digits spell ({@link #high()}, {@link #low()}): one small object, with no
 * text to reach through, which matters where thousands are searched or written out; {@link #value()} builds the text.
 * Lower-case hexadecimal sorts like the number it spells, so SIDs compare as their canonical texts do, and since new
 * SIDs begin with their creation time (see {@link TimeOrderedSids}) SID order is creation order.
 */
public sealed interface Sid permits SourceIpMappingSid, IpRecordSid, SipDomainSid, AccountSid, ApiKeySid {

    /** The canonical 34-character form, built on each call. */
    default String value() {
        return SidDigits.format(prefix(), high(), low());
    }

    /** The two-letter prefix of this kind of SID. */
    String prefix();

    /** The first 16 digits, as an unsigned number. */
    long high();

    /** The last 16 digits, as an unsigned number. */
    long low();

    /**
     * Writes the 34 ASCII bytes of {@link #value()} into {@code into} from index {@code at}, without building it.
     *
     * <p>Only the HTTP server's JSON writer calls this, and it stays here on purpose: printing a SID lives in
     * {@code Sid} (its digits' layout is the package-private {@code SidDigits}), so the server would otherwise need a
     * second SID printer of its own, or go through {@link #value()}, which builds a String, and its array, for every
     * SID of every item of a list page: the allocation this method exists to avoid (README, "Performance").
     */
    default void writeAscii(byte[] into, int at) {
        SidDigits.write(prefix(), high(), low(), into, at);
    }

    /**
     * Checks {@code value} as a SID with the given prefix and returns its canonical form.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when the value is null or malformed
     */
    static String canonical(String prefix, String value, String parameter) {
        if (!isWellFormed(prefix, value)) {
            throw new SipmapException.InvalidParameter(parameter,
                    "Invalid " + parameter + ": expected '" + prefix + "' followed by 32 hexadecimal digits, got "
                            + describe(value));
        }
        return prefix + value.substring(2).toLowerCase(Locale.ROOT);
    }

    /** Whether {@code value} is {@code prefix} followed by exactly 32 hexadecimal digits in either case. */
    static boolean isWellFormed(String prefix, String value) {
        if (value == null || value.length() != 34 || !value.startsWith(prefix)) {
            return false;
        }
        return (SidDigits.classes(value) & SidDigits.NOT_HEX) == 0;
    }

    private static String describe(String value) {
        if (value == null) {
            return "nothing";
        }
        return value.length() > 40 ? "'" + value.substring(0, 40) + "...'" : "'" + value + "'";
    }
}
