package dev.gatehouse.host.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's ledger on disk: JSON, channels least recently active first. Written whole to a
 * temporary file beside it, forced to disk, then moved over the old one with {@code ATOMIC_MOVE}, so a
 * crash leaves the old file or the new one, never half of one.
 */
final class LedgerFile {

    /** A ledger bigger than this is not one of ours (500 channels take about 60 KiB). */
    static final int MAX_BYTES = 1024 * 1024;
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a file held: its channels, oldest activity first, and when it was written. */
    record Content(Map<String, ChannelMark> channels, Instant savedAt) {
    }

    /** The file is not a ledger this host can read. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String why) {
            super(why);
        }
    }

    private LedgerFile() {
    }

    /** @return the content, or {@code null} if there is no file */
    static Content read(Path file) throws IOException, Unreadable {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return null;
        }
        return decode(bytes);
    }

    /** A ledger's content from its bytes (a file's, or a shared store's). */
    static Content decode(byte[] bytes) throws Unreadable {
        if (bytes.length > MAX_BYTES) {
            throw new Unreadable("larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new Unreadable("not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject() || root.path("version").asInt() != VERSION || !root.path("channels").isArray()
                || !root.path("savedAt").isTextual()) {
            throw new Unreadable("not a version " + VERSION + " ledger (expected version, savedAt and channels)");
        }
        Map<String, ChannelMark> channels = new LinkedHashMap<>();
        try {
            for (JsonNode c : root.get("channels")) {
                String id = c.path("id").textValue();
                String last = c.path("lastMessageId").textValue();
                String at = c.path("handledAt").textValue();
                if (id == null || last == null || at == null) {
                    throw new Unreadable("a channel entry lacks id, lastMessageId or handledAt");
                }
                channels.put(id, new ChannelMark(last, Instant.parse(at)));
            }
            return new Content(channels, Instant.parse(root.get("savedAt").textValue()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new Unreadable("a time stamp is not ISO-8601 (" + e.getParsedString() + ")");
        }
    }

    static void write(Path file, Map<String, ChannelMark> channels, Instant savedAt) throws IOException {
        byte[] bytes = encode(channels, savedAt);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A ledger's bytes. */
    static byte[] encode(Map<String, ChannelMark> channels, Instant savedAt) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("savedAt", savedAt.toString());
        ArrayNode list = root.putArray("channels");
        channels.forEach((id, m) -> list.addObject().put("id", id).put("lastMessageId", m.lastMessageId())
                .put("handledAt", m.handledAt().toString()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** Moves an unreadable file aside (kept for a look, replaced by the next write). */
    static Path quarantine(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }
}
