package io.sipmap.server;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The server's one log: java.util.logging's root, one record a line on standard output. */
final class Logging {

    /** Held here: java.util.logging forgets a logger's level when nothing holds the logger. */
    private static final Logger[] QUIETED = {Logger.getLogger("io.zonky"), Logger.getLogger("org.flywaydb")};

    private Logging() {
    }

    /** The log, one record a line on {@code out}: time, level and message, or JSON ({@link JsonLogFormatter}). */
    static void oneLinePerRecord(PrintStream out, Settings.LogFormat format) {
        Logger root = Logger.getLogger("");
        Arrays.stream(root.getHandlers()).forEach(root::removeHandler);
        Formatter formatter = format == Settings.LogFormat.JSON ? new JsonLogFormatter() : new Formatter() {
            @Override
            public String format(LogRecord record) {
                return record.getInstant().truncatedTo(ChronoUnit.MILLIS) + " " + record.getLevel() + " "
                        + formatMessage(record)
                        + (record.getThrown() == null ? "" : "\n" + stackTrace(record.getThrown()))
                        + System.lineSeparator();
            }
        };
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    out.print(formatter.format(record));
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        // The embedded PostgreSQL's and Flyway's progress (initdb's output, each migration step) is not the server's
        // news; their warnings and errors are. The store's description in the banner says where the data is.
        Arrays.stream(QUIETED).forEach(chatty -> chatty.setLevel(Level.WARNING));
    }

    static String stackTrace(Throwable thrown) {
        StringWriter text = new StringWriter();
        thrown.printStackTrace(new PrintWriter(text));
        return text.toString().stripTrailing();
    }
}
