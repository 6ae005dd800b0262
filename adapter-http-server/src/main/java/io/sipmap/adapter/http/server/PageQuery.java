package io.sipmap.adapter.http.server;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * The paging parameters of a list request as Twilio sends them: {@code PageSize} (1..1000, default 50), {@code Page}
 * (>= 0, client state echoed back) and {@code PageToken} ({@code PA<sid>} or {@code PB<sid>}). Without a token,
 * {@code Page=p} is an offset of p x PageSize (ours).
 *
 * @param size  the effective page size
 * @param page  the page number, echoed in {@code meta.page}
 * @param token the cursor given by {@code PageToken}, if any
 */
record PageQuery(int size, long page, Optional<Cursor> token) {

    private static final BigInteger MAX_SIZE = BigInteger.valueOf(PageRequest.MAX_SIZE);
    private static final BigInteger MAX_PAGE = BigInteger.valueOf(Long.MAX_VALUE);

    /**
     * Reads the parameters of a list of SIDs with the given prefix.
     *
     * @throws SipmapException.InvalidParameter naming {@code PageSize} or {@code Page} (20001)
     * @throws RefusedRequest for a {@code PageSize} over 1000 (20007) or a malformed {@code PageToken} (21481)
     */
    static PageQuery parse(Map<String, String> query, String sidPrefix) {
        int size = parseSize(query.get("PageSize"));
        long page = parsePage(query.get("Page"));
        String token = query.get("PageToken");
        if (token == null || token.isEmpty()) {
            return new PageQuery(size, page, Optional.empty());
        }
        try {
            return new PageQuery(size, page, Optional.of(Cursor.parseToken(token, sidPrefix)));
        } catch (SipmapException.InvalidParameter e) {
            throw new RefusedRequest(ErrorTable.invalidPageToken(e.getMessage()));
        }
    }

    /** What to ask the api for. */
    PageRequest request() {
        if (token.isPresent()) {
            return new PageRequest(size, token.get());
        }
        if (page == 0) {
            return PageRequest.first(size);
        }
        long skip = page > Long.MAX_VALUE / size ? Long.MAX_VALUE : page * size;
        return new PageRequest(size, new Cursor.Offset(skip));
    }

    private static int parseSize(String text) {
        if (text == null) {
            return PageRequest.DEFAULT_SIZE;
        }
        BigInteger value = integer(text, "PageSize", "an integer from 1 to " + PageRequest.MAX_SIZE);
        if (value.signum() < 1) {
            throw invalid("PageSize", "an integer from 1 to " + PageRequest.MAX_SIZE, text);
        }
        if (value.compareTo(MAX_SIZE) > 0) {
            throw new RefusedRequest(ErrorTable.pageSizeTooLarge(PageRequest.MAX_SIZE, abbreviate(text)));
        }
        return value.intValue();
    }

    private static long parsePage(String text) {
        if (text == null) {
            return 0;
        }
        BigInteger value = integer(text, "Page", "an integer >= 0");
        if (value.signum() < 0 || value.compareTo(MAX_PAGE) > 0) {
            throw invalid("Page", "an integer >= 0", text);
        }
        return value.longValue();
    }

    private static BigInteger integer(String text, String parameter, String expected) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || text.length() > 40) {
            throw invalid(parameter, expected, text);
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw invalid(parameter, expected, text);
            }
        }
        // up to 18 digits fit a long: parsed as one, without a BigInteger, as every PageSize and Page sent is
        return text.length() - start <= 18 ? BigInteger.valueOf(Long.parseLong(text)) : new BigInteger(text);
    }

    private static SipmapException.InvalidParameter invalid(String parameter, String expected, String text) {
        return new SipmapException.InvalidParameter(parameter,
                "Invalid " + parameter + ": expected " + expected + ", got '" + abbreviate(text) + "'");
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
