package dev.imagestorage.testkit;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A content stream that returns its bytes and then blocks instead of reporting the end until the test calls
 * {@link #release()}. It lets a test act while a put is in progress, after the put has consumed every byte.
 */
public final class BlockingInputStream extends InputStream {
    private static final long WAIT_SECONDS = 30;

    private final byte[] bytes;
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private int position;

    public BlockingInputStream(byte[] bytes) {
        this.bytes = Arrays.copyOf(requireNonNull(bytes, "bytes"), bytes.length);
    }

    /** Waits until a reader has consumed every byte and is blocked, or fails after 30 seconds. */
    public void awaitBlocked() throws InterruptedException {
        if (!blocked.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("no reader reached the end of the stream within " + WAIT_SECONDS + " s");
        }
    }

    /** Lets the blocked reader, and every later one, see the end of the stream. */
    public void release() {
        released.countDown();
    }

    @Override
    public int read() {
        byte[] single = new byte[1];
        int count = read(single, 0, 1);
        return count < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position < bytes.length) {
            int count = Math.min(length, bytes.length - position);
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }
        blocked.countDown();
        try {
            if (!released.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test did not release the stream within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while blocked at the end of the stream", e);
        }
        return -1;
    }
}
