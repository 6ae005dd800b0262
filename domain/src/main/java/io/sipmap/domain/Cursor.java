package io.sipmap.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a page starts. Lists run in SID order; a keyset cursor ({@link After}, {@link Before}) names a SID and stays
 * valid after that SID is deleted, and neither repeats nor skips records when others are created or deleted.
 *
 * <p>On the wire a keyset cursor is Twilio's {@code PageToken}: {@code PA<sid>} for the page after a SID,
 * {@code PB<sid>} for the page before it. {@link #token()} prints it and {@link #parseToken} reads it, here and only
 * here.
 */
public sealed interface Cursor permits Cursor.First, Cursor.Keyset, Cursor.Offset {

    /** The first page. */
    First FIRST = new First();

    /** The first page. */
    record First() implements Cursor {
    }

    /** A cursor that names a SID: {@link After} or {@link Before}. */
    sealed interface Keyset extends Cursor permits After, Before {

        /** The SID, canonical. */
        String sid();

        /** The first 16 digits of the SID as a number, as {@link Sid#high()} gives them. */
        default long high() {
            return SidDigits.parse(sid(), 2);
        }

        /** The last 16 digits of the SID as a number, as {@link Sid#low()} gives them. */
        default long low() {
            return SidDigits.parse(sid(), 18);
        }
    }

    /** The records whose SID sorts after {@code sid} (of the kind listed), which need not exist any more. */
    record After(String sid) implements Keyset {
        public After {
            sid = canonicalSid(sid);
        }

        @Override
        public String token() {
            return "PA" + sid;
        }
    }

    /** The records whose SID sorts before {@code sid}, the page that ends just before it. */
    record Before(String sid) implements Keyset {
        public Before {
            sid = canonicalSid(sid);
        }

        @Override
        public String token() {
            return "PB" + sid;
        }
    }

    /**
     * The records from the {@code skip}-th on (0-based), for a bare {@code Page=n} without a token. Costs O(skip) in
     * stores that page by key; keyset cursors are the way to walk.
     */
    record Offset(long skip) implements Cursor {
        public Offset {
            if (skip < 0) {
                throw new SipmapException.InvalidParameter("Page", "Invalid Page: expected an integer >= 0");
            }
        }
    }

    /**
     * The SID with its digits in lower case, so that a cursor compares with stored SIDs whatever case it came in.
     *
     * @throws SipmapException.InvalidParameter naming {@code PageToken} unless it is a two-character prefix and 32 hex digits
     */
    private static String canonicalSid(String sid) {
        Objects.requireNonNull(sid, "sid");
        if (sid.length() != 34) {
            throw notASid();
        }
        int classes = SidDigits.classes(sid);
        if ((classes & SidDigits.NOT_HEX) != 0) {
            throw notASid();
        }
        // as a page makes its cursors, from SIDs' canonical values: kept as it is, without a copy
        return classes == SidDigits.UPPER ? sid.substring(0, 2) + sid.substring(2).toLowerCase(Locale.ROOT) : sid;
    }

    private static SipmapException.InvalidParameter notASid() {
        return new SipmapException.InvalidParameter("PageToken",
                "Invalid PageToken: expected a SID, a prefix and 32 hexadecimal digits");
    }

    /** The {@code PageToken} of this cursor, or null for {@link First} and {@link Offset}, which have none. */
    default String token() {
        return null;
    }

    /**
     * Reads a {@code PageToken} for a list of SIDs with the given prefix: {@code PA} or {@code PB} followed by such a
     * SID in either case.
     *
     * @throws SipmapException.InvalidParameter naming {@code PageToken} when it is anything else
     */
    static Cursor parseToken(String token, String sidPrefix) {
        if (token != null && token.length() == 36 && (token.startsWith("PA") || token.startsWith("PB"))) {
            String sid = token.substring(2);
            if (Sid.isWellFormed(sidPrefix, sid)) { // the cursor lower-cases the digits if it must
                return token.charAt(1) == 'A' ? new After(sid) : new Before(sid);
            }
        }
        throw new SipmapException.InvalidParameter("PageToken",
                "Invalid PageToken: expected 'PA' or 'PB' followed by a " + sidPrefix + " SID");
    }
}
