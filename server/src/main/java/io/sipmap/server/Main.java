package io.sipmap.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;

/**
 * {@code java -jar sipmap-server.jar}: the command line ({@link ServerCommand}) first, then the server it asks for
 * ({@link SipmapServer}), which knows nothing of the command line.
 *
 * <pre>mvn -B -q -pl server -am package -DskipTests &amp;&amp; java -jar server/target/sipmap-server.jar</pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Integer status = start(args, System.getenv(), System.in, System.out, System.err);
        if (status != null) {
            System.exit(status);
        }
    }

    /**
     * What {@code main} does: parse, start, print where and how to call it, stop gracefully on SIGTERM or Ctrl-C.
     *
     * @return the exit status when the program is done at once (0 after {@code --help}, 2 on a bad setting, 1 when it
     *         cannot listen), or null while the server runs on Vert.x's threads
     */
    static Integer start(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        Logging.oneLinePerRecord(out, Settings.LogFormat.TEXT);
        SipmapServer[] started = new SipmapServer[1];
        Integer status;
        try {
            status = ServerCommand.execute(args, env, new BufferedReader(new InputStreamReader(in,
                    Charset.defaultCharset())), writer(out), writer(err), settings -> {
                        Logging.oneLinePerRecord(out, settings.logFormat());
                        started[0] = SipmapServer.run(settings);
                    });
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (status != null || started[0] == null) {
            return status; // done, or kamailio-bridge running on its own threads until SIGTERM
        }
        SipmapServer server = started[0];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("sipmap: stopping, letting requests in flight finish");
            server.close();
            out.println("sipmap: stopped");
        }, "sipmap-shutdown"));
        out.println(server.banner());
        return null;
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), true);
    }
}
