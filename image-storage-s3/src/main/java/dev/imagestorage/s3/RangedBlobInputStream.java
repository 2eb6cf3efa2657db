package dev.imagestorage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads bytes {@code [start, end)} of one object through ranged GETs of {@code chunkSize} bytes, with up to
 * {@code readAhead} GETs in flight ahead of the reader, so the stream keeps at most
 * {@code readAhead × chunkSize} bytes in memory. Every GET sends {@code If-Match} with the ETag the object had when the stream was opened, so the stream
 * fails instead of mixing the bytes of two objects when the key is deleted and put again while it is read.
 */
final class RangedBlobInputStream extends InputStream {
    private final S3Client client;
    private final String bucket;
    private final String objectKey;
    private final String etag;
    private final long end;
    private final long chunkSize;
    private final int readAhead;
    private final Executor executor;
    private final Deque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
    private long nextFetch;
    private byte[] current = new byte[0];
    private int currentIndex;
    private boolean closed;

    RangedBlobInputStream(S3Client client, String bucket, String objectKey, String etag, long start, long end,
            long chunkSize, int readAhead, Executor executor) {
        this.client = client;
        this.bucket = bucket;
        this.objectKey = objectKey;
        this.etag = etag;
        this.end = end;
        this.chunkSize = chunkSize;
        this.readAhead = readAhead;
        this.executor = executor;
        this.nextFetch = start;
    }

    @Override
    public int read() throws IOException {
        byte[] single = new byte[1];
        int count = read(single, 0, 1);
        return count < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("stream of s3://" + bucket + "/" + objectKey + " is closed");
        }
        if (length == 0) {
            return 0;
        }
        if (currentIndex == current.length && !nextChunk()) {
            return -1;
        }
        int count = Math.min(length, current.length - currentIndex);
        System.arraycopy(current, currentIndex, buffer, offset, count);
        currentIndex += count;
        return count;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (CompletableFuture<byte[]> future : pending) {
            future.cancel(true);
        }
        pending.clear();
        current = new byte[0];
        currentIndex = 0;
    }

    /** Moves to the next chunk, scheduling GETs up to the read-ahead limit; returns false at the end. */
    private boolean nextChunk() throws IOException {
        while (pending.size() < readAhead && nextFetch < end) {
            long from = nextFetch;
            long to = Math.min(end, from + chunkSize);
            try {
                pending.add(CompletableFuture.supplyAsync(() -> fetch(from, to), executor));
            } catch (RejectedExecutionException e) {
                throw new IOException("failed to read s3://" + bucket + "/" + objectKey
                        + ": the S3 storage is closed", e);
            }
            nextFetch = to;
        }
        CompletableFuture<byte[]> next = pending.poll();
        if (next == null) {
            return false;
        }
        try {
            current = next.get();
            currentIndex = 0;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading s3://" + bucket + "/" + objectKey);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("failed to read s3://" + bucket + "/" + objectKey + ": " + cause.getMessage(),
                    cause);
        }
    }

    private byte[] fetch(long from, long to) {
        String range = "bytes=" + from + "-" + (to - 1);
        // Reading into an array of the exact size copies each byte once.
        byte[] bytes = new byte[(int) (to - from)];
        int read;
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(request -> request.bucket(bucket)
                .key(objectKey).range(range).ifMatch(etag))) {
            read = in.readNBytes(bytes, 0, bytes.length);
        } catch (S3Exception e) {
            if (S3Errors.isConditionFailed(e) || S3Errors.isNotFound(e)) {
                throw new IllegalStateException("the object was deleted or replaced while it was read", e);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + range, e);
        }
        if (read != bytes.length) {
            throw new IllegalStateException("the GET of " + range + " returned " + read + " bytes instead of "
                    + bytes.length);
        }
        return bytes;
    }
}
