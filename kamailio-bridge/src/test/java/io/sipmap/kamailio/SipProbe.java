package io.sipmap.kamailio;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * A SIP user agent of one request: an {@code OPTIONS} over UDP from a chosen loopback source address (on Linux any
 * address of 127.0.0.0/8 can be bound) to a SIP server on 127.0.0.1, and its final reply. Only loopback addresses,
 * a few retransmissions, a timeout on each.
 */
final class SipProbe {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A final reply: its status code and the value of {@value Kamailio#TAG_HEADER} when it carried one.
     *
     * @param status the status code (200, 403, ...)
     * @param tag    the matched tag, the SIP domain SID; empty when the header is absent or empty
     * @param text   the whole reply, for a failure's message
     */
    record Reply(int status, Optional<String> tag, String text) {
    }

    private SipProbe() {
    }

    /**
     * Sends OPTIONS from {@code source} to 127.0.0.1:{@code port}, retransmitting the same request up to
     * {@code attempts} times, each waiting {@code timeout} for the final reply.
     *
     * @throws SocketTimeoutException when no final reply came
     */
    static Reply options(InetAddress source, int port, Duration timeout, int attempts) throws IOException {
        if (!source.isLoopbackAddress()) {
            throw new IllegalArgumentException("the tests send SIP from loopback addresses only, not " + source);
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
            socket.setSoTimeout((int) timeout.toMillis());
            String callId = hex(8) + "@" + source.getHostAddress();
            byte[] request = request(source.getHostAddress(), socket.getLocalPort(), port, callId)
                    .getBytes(StandardCharsets.US_ASCII);
            DatagramPacket out = new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port);
            byte[] buffer = new byte[65_535];
            for (int attempt = 0; attempt < attempts; attempt++) {
                socket.send(out);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (System.nanoTime() < deadline) {
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(in);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    Reply reply = parse(new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8), callId);
                    if (reply != null && reply.status() >= 200) {
                        return reply;
                    }
                }
            }
            throw new SocketTimeoutException("no final reply to OPTIONS from " + source.getHostAddress() + " to port "
                    + port + " after " + attempts + " attempts of " + timeout.toMillis() + " ms");
        }
    }

    /** A minimal valid OPTIONS (RFC 3261 8.1.1): Via with an RFC 3261 branch, From tag, To, Call-ID, CSeq. */
    static String request(String host, int localPort, int port, String callId) {
        String target = "sip:probe@127.0.0.1:" + port;
        return "OPTIONS " + target + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + host + ":" + localPort + ";branch=z9hG4bK" + hex(8) + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:sipmap-test@" + host + ">;tag=" + hex(4) + "\r\n"
                + "To: <" + target + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Accept: application/sdp\r\n"
                + "User-Agent: sipmap-tests\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n";
    }

    /** The reply in {@code text} if it is one to {@code callId}, else null. */
    static Reply parse(String text, String callId) {
        String[] lines = text.split("\r\n");
        if (lines.length == 0 || !lines[0].startsWith("SIP/2.0 ")) {
            return null;
        }
        int status = Integer.parseInt(lines[0].substring(8, 11));
        String replyCallId = null;
        String tag = null;
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            if (name.equals("call-id") || name.equals("i")) {
                replyCallId = value;
            } else if (name.equals(Kamailio.TAG_HEADER.toLowerCase(Locale.ROOT))) {
                tag = value;
            }
        }
        if (!callId.equals(replyCallId)) {
            return null;
        }
        return new Reply(status, Optional.ofNullable(tag).filter(t -> !t.isEmpty()), text);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
