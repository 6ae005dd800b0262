package io.sipmap.kamailio;

import io.sipmap.domain.IpAddress;
import io.sipmap.domain.SipmapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Kamailio {@code permissions} address file the bridge keeps: the export's lines ({@code grp ip_addr mask port
 * tag}), less the shadowed ones, written so that Kamailio only ever reads a whole file.
 *
 * <p>Shadowed lines: for one group, network and mask, only the first line can ever match in our rule (the oldest
 * record wins). Kamailio takes subnets in load order, but keeps single addresses (mask 32, or 128 for IPv6) in a hash
 * table that answers the LAST line loaded; so a later line for the same network is dropped, never written.
 *
 * <p>IPv6 lines ({@code 1 2001:db8:: 32 0 SD...}) are read with sipmap's own parser and written in the RFC 5952
 * canonical form, so two spellings of one network are one network here as they are in Kamailio.
 */
final class AddressFile {

    /**
     * What is written.
     *
     * @param text    the file's content
     * @param entries its lines
     * @param subnets those of them with a mask under 32 (under 128 for IPv6), which count against Kamailio's
     *                {@code max_subnets}
     * @param dropped shadowed lines of the export left out
     */
    record Content(String text, int entries, int subnets, int dropped) {
    }

    // compiled once, not for each line of an export of perhaps a hundred thousand
    private static final Pattern BLANKS = Pattern.compile("[ \t]+");
    private static final Pattern GROUP = Pattern.compile("[0-9]{1,10}");
    private static final Pattern ADDRESS = Pattern.compile("[0-9.]{7,15}");
    private static final Pattern MASK = Pattern.compile("[0-9]{1,2}");
    private static final Pattern IPV6_MASK = Pattern.compile("[0-9]{1,3}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private AddressFile() {
    }

    /**
     * The file for an export's body: its lines in order, each network's first line only.
     *
     * @throws IllegalArgumentException when a line is not {@code grp ip_addr mask port tag}
     */
    static Content of(String export) {
        StringBuilder text = new StringBuilder(export.length());
        Set<String> networks = new HashSet<>();
        int entries = 0;
        int subnets = 0;
        int dropped = 0;
        for (String line : export.split("\n", -1)) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = BLANKS.split(line.strip());
            if (fields.length != 5 || !GROUP.matcher(fields[0]).matches() || !PORT.matcher(fields[3]).matches()) {
                throw notALine(line);
            }
            int bits = 32;
            if (fields[1].indexOf(':') >= 0) {
                fields[1] = ipv6(fields[1], line);
                bits = 128;
                if (!IPV6_MASK.matcher(fields[2]).matches() || Integer.parseInt(fields[2]) > bits) {
                    throw notALine(line);
                }
            } else if (!MASK.matcher(fields[2]).matches() || !ADDRESS.matcher(fields[1]).matches()) {
                throw notALine(line);
            }
            if (!networks.add(fields[0] + " " + fields[1] + "/" + fields[2])) {
                dropped++;
                continue;
            }
            entries++;
            if (Integer.parseInt(fields[2]) < bits) {
                subnets++;
            }
            text.append(String.join(" ", fields)).append('\n');
        }
        return new Content(text.toString(), entries, subnets, dropped);
    }

    /** The canonical text of an IPv6 address; an IPv4-mapped one names an IPv4 source, which Kamailio would not match. */
    private static String ipv6(String text, String line) {
        IpAddress address;
        try {
            address = IpAddress.parse(text, "ip_addr");
        } catch (SipmapException.InvalidParameter e) {
            throw notALine(line);
        }
        if (!address.isIpv6()) {
            throw notALine(line);
        }
        return address.toString();
    }

    private static IllegalArgumentException notALine(String line) {
        return new IllegalArgumentException("not a line of a Kamailio address file: " + line);
    }

    /** An attribute of the written file to carry over from the file it replaces. */
    private interface Attribute {
        void set() throws IOException;
    }

    /** Sets an attribute this process may set; one it may not (not root, not a member of the group) stays ours. */
    private static void keep(Attribute attribute) {
        try {
            attribute.set();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // the file is still written, with this process's owner or group
        }
    }

    /**
     * Replaces {@code file} with {@code text} atomically (a flushed temporary file beside it, renamed over it, the
     * directory flushed): a reader sees the old file or the new one. It keeps its permissions, and its owner and group
     * where this process may set them, else gets rw-r--r--: Kamailio may run as another user.
     */
    static void write(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        PosixFileAttributes existing = Files.exists(target)
                ? Files.readAttributes(target, PosixFileAttributes.class) : null;
        Set<PosixFilePermission> permissions = existing != null ? existing.permissions()
                : PosixFilePermissions.fromString("rw-r--r--");
        Path temporary = null;
        for (int attempt = 0; temporary == null; attempt++) {
            Path candidate = dir.resolve("." + target.getFileName() + ".sipmap-" + ProcessHandle.current().pid()
                    + "-" + attempt);
            try {
                Files.createFile(candidate);
                temporary = candidate;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.setPosixFilePermissions(temporary, permissions);
            if (existing != null) { // root:kamailio 0640 stays so, where the bridge may set them (as root, or a member)
                Path written = temporary;
                keep(() -> Files.setAttribute(written, "posix:group", existing.group()));
                keep(() -> Files.setOwner(written, existing.owner()));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename within " + dir + " atomically: " + e.getMessage(), e);
            }
            temporary = null;
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true); // the rename itself, on disk
            } catch (IOException ignored) {
                // not every file system lets a directory be opened; the rename is done either way
            }
        } finally {
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
