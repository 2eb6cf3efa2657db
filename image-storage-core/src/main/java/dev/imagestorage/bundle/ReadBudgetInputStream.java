package dev.imagestorage.bundle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read from a source and fails with {@link BudgetExceededException} instead of reading past a
 * budget, which the owner raises step by step as it expects more bytes. Closing it leaves the source open.
 */
final class ReadBudgetInputStream extends FilterInputStream {
    private long count;
    private long limit;

    ReadBudgetInputStream(InputStream in) {
        super(in);
    }

    /** Allows {@code bytes} more bytes to be read, counted from the bytes read so far. */
    void allow(long bytes) {
        limit = count + bytes;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (count >= limit) {
            throw new BudgetExceededException(limit);
        }
        int n = in.read(buffer, offset, (int) Math.min(length, limit - count));
        if (n > 0) {
            count += n;
        }
        return n;
    }

    /** Skips by reading, so that skipped bytes count against the budget too. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public int available() {
        return 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {}

    /** The reader requested more bytes than the budget allows at this point of the bundle. */
    static final class BudgetExceededException extends IOException {
        BudgetExceededException(long limit) {
            super("the bundle needs more than " + limit + " bytes to reach the next entry");
        }
    }
}
