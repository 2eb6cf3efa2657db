package dev.imagestorage.format;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Recognises gzip, xz, bzip2 and zstd content by its magic number and decompresses it as a stream, through Apache
 * Commons Compress with XZ for Java and zstd-jni.
 *
 * <p>Memory stays bounded whatever the content declares: gzip needs a 32 KiB window and bzip2 at most 900 kB blocks,
 * xz is capped at {@link #XZ_MEMORY_LIMIT_KIB}, and zstd-jni rejects frames whose window is above 128 MiB (window log
 * 27, the zstd library's default limit). The decompressed size is not bounded here: the caller limits it.
 */
public final class CompressedContent {
    /**
     * Largest memory an xz stream may need, in KiB. {@code xz -9} needs 65 MiB to decompress, so 256 MiB leaves room
     * for custom dictionaries and rejects streams that declare more.
     */
    public static final int XZ_MEMORY_LIMIT_KIB = 256 * 1024;

    /** A compression format that uploads may use. */
    public enum Compression {
        GZIP("gzip", DetectedFormat.GZIP, "gzip -t FILE"),
        XZ("xz", DetectedFormat.XZ, "xz -t FILE"),
        BZIP2("bzip2", DetectedFormat.BZIP2, "bzip2 -t FILE"),
        ZSTD("zstd", DetectedFormat.ZSTD, "zstd -t FILE");

        private final String label;
        private final DetectedFormat detectedFormat;
        private final String testCommand;

        Compression(String label, DetectedFormat detectedFormat, String testCommand) {
            this.label = label;
            this.detectedFormat = detectedFormat;
            this.testCommand = testCommand;
        }

        /** Returns the lower-case name of the format and of its command-line tool, such as "gzip". */
        public String label() {
            return label;
        }

        public DetectedFormat detectedFormat() {
            return detectedFormat;
        }

        /** Returns a command that checks a file of this format for corruption, with FILE for the file name. */
        public String testCommand() {
            return testCommand;
        }
    }

    private CompressedContent() {}

    /**
     * Returns the compression of content that starts with the first {@code length} bytes of {@code buffer}, or empty
     * when it starts with no supported magic number. Only bytes below {@code length} are read.
     */
    public static Optional<Compression> detect(byte[] buffer, int length) {
        requireNonNull(buffer, "buffer");
        ByteBuffer prefix = ByteBuffer.wrap(buffer, 0, Math.min(length, buffer.length)).slice();
        // gzip: ID1 ID2 and compression method 8 (deflate), the only one defined.
        if (FormatInspector.startsWithAt(prefix, 0, new byte[] {0x1F, (byte) 0x8B, 8})) {
            return Optional.of(Compression.GZIP);
        }
        if (FormatInspector.startsWithAt(prefix, 0, new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0})) {
            return Optional.of(Compression.XZ);
        }
        // bzip2: "BZh" and the block size digit 1 to 9.
        if (FormatInspector.startsWithAt(prefix, 0, new byte[] {'B', 'Z', 'h'}) && prefix.limit() > 3
                && prefix.get(3) >= '1' && prefix.get(3) <= '9') {
            return Optional.of(Compression.BZIP2);
        }
        if (FormatInspector.startsWithAt(prefix, 0, new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD})) {
            return Optional.of(Compression.ZSTD);
        }
        return Optional.empty();
    }

    /**
     * Opens a stream of the decompressed bytes of {@code compressed}. Concatenated streams or frames are all
     * decompressed, as the command-line tools do, so trailing bytes that are not another stream fail the read. The
     * returned stream reads the header at once, and closing it closes {@code compressed}.
     *
     * @throws IOException when the header is invalid or reading {@code compressed} fails; later reads throw it when
     *     the data is corrupt or truncated
     */
    public static InputStream decompress(Compression compression, InputStream compressed) throws IOException {
        requireNonNull(compression, "compression");
        requireNonNull(compressed, "compressed");
        return switch (compression) {
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(compressed).setDecompressConcatenated(true)
                    .get();
            case XZ -> XZCompressorInputStream.builder().setInputStream(compressed).setDecompressConcatenated(true)
                    .setMemoryLimitKiB(XZ_MEMORY_LIMIT_KIB).get();
            case BZIP2 -> new BZip2CompressorInputStream(compressed, true);
            case ZSTD -> new ZstdCompressorInputStream(compressed);
        };
    }
}
