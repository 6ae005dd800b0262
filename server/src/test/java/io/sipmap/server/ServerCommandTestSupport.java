package io.sipmap.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the command line as the program would, for the one line it prints on a bad setting. */
final class ServerCommandTestSupport {

    private ServerCommandTestSupport() {
    }

    static String errorOf(String... args) {
        StringWriter err = new StringWriter();
        Integer status = ServerCommand.execute(args, Map.of(), new java.io.BufferedReader(new java.io.StringReader("")),
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), settings -> {
                    throw new AssertionError("started with " + settings);
                });
        if (status == null || status != 2) {
            throw new AssertionError("expected status 2, got " + status);
        }
        return err.toString();
    }
}
