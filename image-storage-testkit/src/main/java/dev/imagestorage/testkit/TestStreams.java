package dev.imagestorage.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Content streams for blob store tests: streams that return short reads and streams that fail part-way. */
public final class TestStreams {
    private TestStreams() {}

    /** Returns a stream of {@code bytes} whose reads return at most {@code maxChunk} bytes each, as a socket does. */
    public static InputStream chunked(byte[] bytes, int maxChunk) {
        if (maxChunk < 1) {
            throw new IllegalArgumentException("invalid chunk size " + maxChunk + ": it must be 1 or more");
        }
        return new ScriptedStream(bytes, maxChunk, null, null);
    }

    /** Returns a stream that returns {@code bytes} and then throws {@code failure} instead of reaching the end. */
    public static InputStream failingAfter(byte[] bytes, IOException failure) {
        return new ScriptedStream(bytes, Integer.MAX_VALUE, requireNonNull(failure, "failure"), null);
    }

    /** Returns a stream that returns {@code bytes} and then throws {@code failure} instead of reaching the end. */
    public static InputStream failingAfter(byte[] bytes, RuntimeException failure) {
        return new ScriptedStream(bytes, Integer.MAX_VALUE, null, requireNonNull(failure, "failure"));
    }

    private static final class ScriptedStream extends InputStream {
        private final byte[] bytes;
        private final int maxChunk;
        private final IOException ioFailure;
        private final RuntimeException uncheckedFailure;
        private int position;

        ScriptedStream(byte[] bytes, int maxChunk, IOException ioFailure, RuntimeException uncheckedFailure) {
            this.bytes = Arrays.copyOf(requireNonNull(bytes, "bytes"), bytes.length);
            this.maxChunk = maxChunk;
            this.ioFailure = ioFailure;
            this.uncheckedFailure = uncheckedFailure;
        }

        @Override
        public int read() throws IOException {
            byte[] single = new byte[1];
            int count = read(single, 0, 1);
            return count < 0 ? -1 : single[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == bytes.length) {
                failIfScripted();
                return -1;
            }
            int count = Math.min(Math.min(length, maxChunk), bytes.length - position);
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }

        private void failIfScripted() throws IOException {
            if (ioFailure != null) {
                throw ioFailure;
            }
            if (uncheckedFailure != null) {
                throw uncheckedFailure;
            }
        }
    }
}
