package dev.imagestorage.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through until more than a maximum have been read, then throws {@link SizeLimitExceededException}
 * instead of returning the excess. It also turns every {@link IOException} of the source into
 * {@link SourceReadException}, so a blob store can tell the caller's stream failing from its own storage failing.
 * Closing it leaves the source open.
 */
final class SizeLimitedInputStream extends FilterInputStream {
    private final long maxBytes;
    private final String subject;
    private long count;

    SizeLimitedInputStream(InputStream in, long maxBytes) {
        this(in, maxBytes, "content");
    }

    /** @param subject what the bytes are, for the message of {@link SizeLimitExceededException} */
    SizeLimitedInputStream(InputStream in, long maxBytes, String subject) {
        super(in);
        this.maxBytes = maxBytes;
        this.subject = subject;
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
                throw new SizeLimitExceededException(maxBytes, subject);
            }
        }
        return n;
    }

    /**
     * Leaves the source open, because the caller owns the upload stream. {@link java.io.SequenceInputStream} closes
     * each part it has read to the end, so without this it would close the caller's stream.
     */
    @Override
    public void close() {}

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
        final String subject;

        SizeLimitExceededException(long maxBytes, String subject) {
            super(subject + " is larger than " + maxBytes + " bytes", null, false, false);
            this.maxBytes = maxBytes;
            this.subject = subject;
        }
    }

    /** Reading the caller's content stream failed. */
    static final class SourceReadException extends RuntimeException {
        SourceReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
