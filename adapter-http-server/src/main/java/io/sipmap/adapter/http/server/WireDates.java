package io.sipmap.adapter.http.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Dates as the wire carries them: ISO 8601 in UTC to the second, {@code 2020-03-18T23:31:36Z}. */
final class WireDates {

    /** The length of a date of the years 0 to 9999, the ones {@link #write} writes by hand. */
    static final int LENGTH = 20;

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final long SECONDS_PER_DAY = 86_400;
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in seconds since the epoch. */
    private static final long FIRST = -62_167_219_200L;
    private static final long END = 253_402_300_800L;

    private WireDates() {
    }

    static String format(Instant instant) {
        if (!byHand(instant)) {
            return FORMAT.format(instant.truncatedTo(ChronoUnit.SECONDS));
        }
        byte[] bytes = new byte[LENGTH];
        write(instant, bytes, 0);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Whether {@link #write} takes this date: the years 0 to 9999, {@link #LENGTH} characters. */
    static boolean byHand(Instant instant) {
        long seconds = instant.getEpochSecond();
        return seconds >= FIRST && seconds < END;
    }

    /**
     * Writes a date that {@link #byHand} takes into {@code bytes} at {@code at}, as {@link #format} would, and returns
     * the index after it: by hand, without the formatter's objects, as a list page writes a hundred dates.
     */
    static int write(Instant instant, byte[] bytes, int at) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        // days to a civil date (Howard Hinnant's algorithm, proleptic Gregorian calendar as java.time)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        at = digits(bytes, at, year, 4);
        bytes[at++] = '-';
        at = digits(bytes, at, month, 2);
        bytes[at++] = '-';
        at = digits(bytes, at, day, 2);
        bytes[at++] = 'T';
        at = digits(bytes, at, secondOfDay / 3600, 2);
        bytes[at++] = ':';
        at = digits(bytes, at, secondOfDay / 60 % 60, 2);
        bytes[at++] = ':';
        at = digits(bytes, at, secondOfDay % 60, 2);
        bytes[at++] = 'Z';
        return at;
    }

    private static int digits(byte[] bytes, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
