package io.sipmap.kamailio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * A SIP user agent of one request: an {@code OPTIONS} over UDP from a chosen loopback source address (on Linux any
 * address of 127.0.0.0/8 can be bound) to a SIP server on 127.0.0.1, and its final reply. Only loopback addresses,
 * a few retransmissions, a timeout on each.
 *
 * <p>IPv6 has one loopback address, so IPv6 probes run in a network namespace of their own ({@link NetworkNamespace})
 * whose loopback interface holds a unique-local prefix: {@link #main} is that program, run inside it, and sends from
 * addresses of fd00::/8 only, and only where every network interface is a loopback one, so nothing leaves it.
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
        return options(source, InetAddress.getLoopbackAddress(), port, timeout, attempts);
    }

    /**
     * Sends OPTIONS from {@code source} to {@code target}:{@code port}, both of 127.0.0.0/8 or both of fd00::/8 (inside
     * a namespace of the tests), as {@link #options(InetAddress, int, Duration, int)} does.
     */
    static Reply options(InetAddress source, InetAddress target, int port, Duration timeout, int attempts)
            throws IOException {
        if (!(source.isLoopbackAddress() && target.isLoopbackAddress() || uniqueLocal(source) && uniqueLocal(target))) {
            throw new IllegalArgumentException("the tests send SIP between loopback or fd00::/8 addresses only, not "
                    + source + " to " + target);
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
            socket.setSoTimeout((int) timeout.toMillis());
            String callId = hex(8) + "@" + hostText(source);
            byte[] request = request(hostText(source), socket.getLocalPort(), hostText(target), port, callId)
                    .getBytes(StandardCharsets.US_ASCII);
            DatagramPacket out = new DatagramPacket(request, request.length, target, port);
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

    /** A minimal valid OPTIONS to 127.0.0.1 (see the next). */
    static String request(String host, int localPort, int port, String callId) {
        return request(host, localPort, "127.0.0.1", port, callId);
    }

    /**
     * A minimal valid OPTIONS (RFC 3261 8.1.1): Via with an RFC 3261 branch, From tag, To, Call-ID, CSeq; hosts as
     * SIP writes them, an IPv6 address in brackets.
     */
    static String request(String host, int localPort, String targetHost, int port, String callId) {
        String target = "sip:probe@" + targetHost + ":" + port;
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

    /** An address as a SIP URI or Via holds it: IPv6 in brackets (RFC 3261 25.1). */
    static String hostText(InetAddress address) {
        if (address instanceof Inet6Address) {
            return "[" + address.getHostAddress() + "]";
        }
        return address.getHostAddress();
    }

    /** Whether {@code address} is of fd00::/8, the locally assigned unique-local addresses (RFC 4193). */
    static boolean uniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xff) == 0xfd;
    }

    /**
     * The probe program run inside a test's network namespace: for each line {@code source target port timeout-ms
     * attempts} on standard input, sends OPTIONS and prints one line: {@code source status tag-or-dash base64-reply},
     * or {@code source timeout} when no final reply came. Refuses to run where any network interface is not a
     * loopback one: only inside a namespace of loopback alone can no probe leave the machine.
     */
    public static void main(String[] args) throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isLoopback()) {
                System.out.println("refused: not in a namespace of loopback alone; there is " + nic.getName());
                return;
            }
        }
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] f = line.strip().split(" ");
            String answer;
            try {
                Reply reply = options(InetAddress.getByName(f[0]), InetAddress.getByName(f[1]), Integer.parseInt(f[2]),
                        Duration.ofMillis(Long.parseLong(f[3])), Integer.parseInt(f[4]));
                answer = reply.status() + " " + reply.tag().orElse("-") + " "
                        + Base64.getEncoder().encodeToString(reply.text().getBytes(StandardCharsets.UTF_8));
            } catch (SocketTimeoutException e) {
                answer = "timeout";
            } catch (IOException | RuntimeException e) {
                answer = "error " + Base64.getEncoder().encodeToString(e.toString().getBytes(StandardCharsets.UTF_8));
            }
            System.out.println(f[0] + " " + answer);
        }
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
