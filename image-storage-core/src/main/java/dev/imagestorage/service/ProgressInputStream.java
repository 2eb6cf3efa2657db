package dev.imagestorage.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Reports the running byte count to a listener every time at least {@code step} more bytes have been read. */
final class ProgressInputStream extends FilterInputStream {
    private final long step;
    private final LongConsumer listener;
    private long count;
    private long reported;

    ProgressInputStream(InputStream in, long step, LongConsumer listener) {
        super(in);
        this.step = Math.max(1, step);
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            count += n;
            if (count - reported >= step) {
                reported = count;
                listener.accept(count);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skip is not supported on a copy stream");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
