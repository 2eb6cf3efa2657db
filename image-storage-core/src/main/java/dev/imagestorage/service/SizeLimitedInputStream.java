package dev.imagestorage.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through until more than a maximum have been read, then throws {@link SizeLimitExceededException}
 * instead of returning the excess. It also turns every {@link IOException} of the source into
 * {@link SourceReadException}, so a blob store can tell the caller's stream failing from its own storage failing.
 */
final class SizeLimitedInputStream extends FilterInputStream {
    private final long maxBytes;
    private long count;

    SizeLimitedInputStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    long count() {
        return count;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException e) {
            throw new SourceReadException(e);
        }
        if (n > 0) {
            count += n;
            if (count > maxBytes) {
                throw new SizeLimitExceededException(maxBytes);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skip is not supported on an upload stream");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** The content is longer than the limit allows. */
    static final class SizeLimitExceededException extends RuntimeException {
        final long maxBytes;

        SizeLimitExceededException(long maxBytes) {
            super("content is larger than " + maxBytes + " bytes", null, false, false);
            this.maxBytes = maxBytes;
        }
    }

    /** Reading the caller's content stream failed. */
    static final class SourceReadException extends RuntimeException {
        SourceReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
