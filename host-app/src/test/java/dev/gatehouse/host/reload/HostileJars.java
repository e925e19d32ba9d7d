package dev.gatehouse.host.reload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Jars no plugin build produces: written byte by byte, so the test controls what the zip headers claim.
 */
final class HostileJars {

    private HostileJars() {
    }

    private record Entry(String name, int method, long crc, long compressed, long size, long offset) {
    }

    /**
     * A jar with a valid plugin manifest whose {@code META-INF/extensions.idx} inflates to {@code gib}
     * GiB of zeros from about 1 MB per GiB on disk: built from one deflate block of 1 MiB of zeros,
     * flushed so it stands alone, repeated.
     */
    static Path zipBomb(Path target, String pluginId, int gib) throws IOException {
        return zipBomb(target, pluginId, gib, (long) gib << 30);
    }

    /** As {@link #zipBomb(Path, String, int)}, with headers that claim the index is {@code declared} bytes. */
    static Path zipBomb(Path target, String pluginId, int gib, long declared) throws IOException {
        byte[] chunk = deflatedZeros(1 << 20);
        long inflated = (long) gib << 30;
        try (OutputStream out = Files.newOutputStream(target)) {
            Counting c = new Counting(out);
            List<Entry> entries = new ArrayList<>();
            byte[] mf = ("Manifest-Version: 1.0\r\nPlugin-Id: " + pluginId + "\r\nPlugin-Version: 1.0.0\r\n"
                    + "Plugin-Class: dev.gatehouse.testplugin.LoopbackPlugin\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(mf);
            entries.add(local(c, "META-INF/MANIFEST.MF", 0, crc.getValue(), mf.length, mf.length));
            c.write(mf);
            long n = inflated >> 20;
            byte[] end = {0x03, 0x00}; // an empty final fixed-Huffman block
            long compressed = n * chunk.length + end.length;
            // The CRC is never reached: a reader runs out of memory long before the end of the entry.
            entries.add(local(c, "META-INF/extensions.idx", 8, 0, compressed, declared));
            for (long i = 0; i < n; i++) {
                c.write(chunk);
            }
            c.write(end);
            long cdStart = c.count;
            for (Entry e : entries) {
                central(c, e);
            }
            long cdSize = c.count - cdStart;
            ByteArrayOutputStream eocd = new ByteArrayOutputStream();
            le(eocd, 0x06054b50L, 4);
            le(eocd, 0, 2);
            le(eocd, 0, 2);
            le(eocd, entries.size(), 2);
            le(eocd, entries.size(), 2);
            le(eocd, cdSize, 4);
            le(eocd, cdStart, 4);
            le(eocd, 0, 2);
            c.write(eocd.toByteArray());
        }
        return target;
    }

    private static byte[] deflatedZeros(int n) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(new byte[n]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int len;
        while ((len = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH)) > 0) {
            out.write(buf, 0, len);
        }
        d.end();
        return out.toByteArray();
    }

    private static Entry local(Counting c, String name, int method, long crc, long compressed, long size) throws IOException {
        long offset = c.count;
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        le(h, 0x04034b50L, 4);
        le(h, 20, 2);
        le(h, 0, 2);
        le(h, method, 2);
        le(h, 0, 2);
        le(h, 0x21, 2);
        le(h, crc, 4);
        le(h, compressed, 4);
        le(h, size, 4);
        le(h, n.length, 2);
        le(h, 0, 2);
        h.write(n);
        c.write(h.toByteArray());
        return new Entry(name, method, crc, compressed, size, offset);
    }

    private static void central(Counting c, Entry e) throws IOException {
        byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        le(h, 0x02014b50L, 4);
        le(h, 20, 2);
        le(h, 20, 2);
        le(h, 0, 2);
        le(h, e.method(), 2);
        le(h, 0, 2);
        le(h, 0x21, 2);
        le(h, e.crc(), 4);
        le(h, e.compressed(), 4);
        le(h, e.size(), 4);
        le(h, n.length, 2);
        le(h, 0, 2);
        le(h, 0, 2);
        le(h, 0, 2);
        le(h, 0, 2);
        le(h, 0, 4);
        le(h, e.offset(), 4);
        h.write(n);
        c.write(h.toByteArray());
    }

    private static void le(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static final class Counting {
        private final OutputStream out;
        private long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        void write(byte[] b) throws IOException {
            out.write(b);
            count += b.length;
        }
    }
}
