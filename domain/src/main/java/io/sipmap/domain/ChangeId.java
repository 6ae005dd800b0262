package io.sipmap.domain;

import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * A change as the feed names it: its number and the nonce, 32 random bits, that its store drew when it recorded it.
 * Numbers alone repeat when an account's history starts again (a server restarted over an empty memory store, a
 * database restored from an older backup); the nonce tells two changes of one number apart, so that a follower
 * resuming from a change of another history is told to start again instead of skipping changes silently. Its text is
 * {@code <seq>-<nonce as 8 lower-case hex digits>}, or {@code <seq>} alone without a nonce.
 *
 * @param seq   the change's number; 0, before the first change, has no nonce
 * @param nonce the change's nonce; empty when unknown: a change recorded before its store drew nonces, or a number
 *              a client sent alone, where only the number is compared
 */
public record ChangeId(long seq, OptionalInt nonce) {

    /** Before the first change: an account without changes is at {@code 0}. */
    public static final ChangeId ZERO = new ChangeId(0, OptionalInt.empty());
    private static final String HEX = "0123456789abcdefABCDEF";

    public ChangeId {
        if (seq < 0 || seq == 0 && nonce.isPresent()) {
            throw new IllegalArgumentException("a change number is at least 0, and 0 has no nonce; got " + seq);
        }
    }

    /** The change numbered {@code seq} with {@code nonce}, or without one when it is null. */
    public static ChangeId of(long seq, Integer nonce) {
        return new ChangeId(seq, nonce == null ? OptionalInt.empty() : OptionalInt.of(nonce));
    }

    /**
     * Reads an id as a client sends it: up to 18 decimal digits, optionally {@code -} and 8 hex digits.
     *
     * @param name the parameter it came in, for the error
     * @throws SipmapException.InvalidParameter naming {@code name} when it is not such an id
     */
    public static ChangeId parse(String name, String text) {
        int dash = text.indexOf('-');
        String digits = dash < 0 ? text : text.substring(0, dash);
        String hex = dash < 0 ? null : text.substring(dash + 1);
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || hex != null && (hex.length() != 8 || !hex.chars().allMatch(c -> HEX.indexOf(c) >= 0)
                || Long.parseLong(digits) == 0)) {
            throw new SipmapException.InvalidParameter(name, "Invalid " + name + ": expected an event id (the number"
                    + " of a change, optionally '-' and 8 hex digits), got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        }
        return of(Long.parseLong(digits), hex == null ? null : Integer.parseUnsignedInt(hex, 16));
    }

    /** {@code 5-0a1b2c3d}, or {@code 5} without a nonce. */
    @Override
    public String toString() {
        return nonce.isEmpty() ? Long.toString(seq) : seq + "-" + HexFormat.of().toHexDigits(nonce.getAsInt());
    }
}
