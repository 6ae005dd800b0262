package io.sipmap.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Every record that reaches {@code logger} at any level while open, for tests to look at; closing detaches it. */
public final class CapturedLogRecords extends Handler implements AutoCloseable {

    public final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger;

    public CapturedLogRecords(Logger logger) {
        this.logger = logger;
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
