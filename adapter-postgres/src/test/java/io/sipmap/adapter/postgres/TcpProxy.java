package io.sipmap.adapter.postgres;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 in front of a database, for tests of a database that goes away: it forwards, or refuses
 * (closes every connection, and each new one at once), or hangs (keeps every connection open and forwards nothing,
 * as a network that drops packets). Leaving either fault closes the connections that lived through it.
 */
final class TcpProxy implements AutoCloseable {

    private enum Mode { FORWARD, REFUSE, HANG }

    private final NetServer server;
    private final NetClient client;
    private final String host;
    private final int targetPort;
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.FORWARD;

    private TcpProxy(Vertx vertx, String host, int targetPort) {
        this.host = host;
        this.targetPort = targetPort;
        this.client = vertx.createNetClient();
        this.server = vertx.createNetServer().connectHandler(this::accepted);
    }

    static TcpProxy start(Vertx vertx, String host, int targetPort) throws Exception {
        TcpProxy proxy = new TcpProxy(vertx, host, targetPort);
        proxy.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        return proxy;
    }

    int port() {
        return server.actualPort();
    }

    private void accepted(NetSocket in) {
        sockets.add(in);
        in.closeHandler(v -> sockets.remove(in));
        if (mode == Mode.REFUSE) {
            in.close();
            return;
        }
        in.pause();
        client.connect(targetPort, host).onComplete(connected -> {
            if (connected.failed()) {
                in.close();
                return;
            }
            NetSocket out = connected.result();
            sockets.add(out);
            out.closeHandler(v -> {
                sockets.remove(out);
                in.close();
            });
            in.closeHandler(v -> {
                sockets.remove(in);
                out.close();
            });
            in.handler(data -> {
                if (mode == Mode.FORWARD) {
                    out.write(data);
                }
            });
            out.handler(data -> {
                if (mode == Mode.FORWARD) {
                    in.write(data);
                }
            });
            in.resume();
        });
    }

    /** Closes every connection and refuses new ones, as a database that went down. */
    void refuse() {
        mode = Mode.REFUSE;
        closeAll();
    }

    /** Forwards nothing more, either way, and closes nothing, as a network that drops every packet. */
    void hang() {
        mode = Mode.HANG;
    }

    /** Forwards again; the connections that lived through a fault are closed, their streams being broken. */
    void restore() {
        closeAll();
        mode = Mode.FORWARD;
    }

    private void closeAll() {
        sockets.forEach(NetSocket::close);
    }

    @Override
    public void close() throws Exception {
        closeAll();
        server.close().await(10, TimeUnit.SECONDS);
        client.close().await(10, TimeUnit.SECONDS);
    }
}
