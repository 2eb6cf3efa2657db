package dev.imagestorage.service;

import dev.imagestorage.format.CompressedContent;
import dev.imagestorage.format.CompressedContent.Compression;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decompresses an upload while it streams, and turns every {@link IOException} of the decompressor into
 * {@link DecompressionFailedException}, so that corrupt compressed data gets its own reason.
 *
 * <p>The source must not throw {@link IOException} itself: wrap it in {@link SizeLimitedInputStream}, which turns
 * read failures of the caller's stream into {@link SizeLimitedInputStream.SourceReadException}. That exception is
 * unchecked, so it passes through the decompressor unchanged. The decompressor is opened at the first read, because
 * opening it already reads the header.
 */
final class DecompressingInputStream extends InputStream {
    private final Compression compression;
    private final InputStream source;
    private InputStream decompressed;

    DecompressingInputStream(Compression compression, InputStream source) {
        this.compression = compression;
        // Closing the decompressor closes its source, but the caller's upload stream must stay open.
        this.source = new FilterInputStream(source) {
            @Override
            public void close() {}
        };
    }

    Compression compression() {
        return compression;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        try {
            if (decompressed == null) {
                decompressed = CompressedContent.decompress(compression, source);
            }
            return decompressed.read(buffer, offset, length);
        } catch (IOException e) {
            throw new DecompressionFailedException(compression, e);
        }
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skip is not supported on an upload stream");
    }

    /**
     * Releases the decompressor's native memory, which zstd-jni holds until the stream is closed. The source stays
     * open.
     */
    @Override
    public void close() {
        if (decompressed == null) {
            return;
        }
        try {
            decompressed.close();
        } catch (IOException e) {
            throw new DecompressionFailedException(compression, e);
        }
    }

    /** The compressed data is corrupt, truncated or needs more memory than allowed. */
    static final class DecompressionFailedException extends RuntimeException {
        final Compression compression;

        DecompressionFailedException(Compression compression, IOException cause) {
            super(compression.label() + " decompression failed: " + cause.getMessage(), cause);
            this.compression = compression;
        }
    }
}
