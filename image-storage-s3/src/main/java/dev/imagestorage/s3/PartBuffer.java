package dev.imagestorage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The bytes of one part, held in 1 MiB chunks that are allocated as the bytes arrive, so a small blob takes little
 * memory and a part may be larger than the largest Java array. It is filled by one thread and then only read, until
 * {@link #clear()} empties it for the next part. Its chunks stay allocated after {@code clear()}, so a reused buffer
 * allocates nothing.
 */
final class PartBuffer {
    private static final int CHUNK_SIZE = 1024 * 1024;

    private final long capacity;
    private final List<byte[]> chunks = new ArrayList<>();
    private long size;

    PartBuffer(long capacity) {
        this.capacity = capacity;
    }

    /** Appends one byte that the caller has already read from the content. */
    void append(int value) {
        byte[] chunk = chunkWithRoom();
        chunk[(int) (size % CHUNK_SIZE)] = (byte) value;
        size++;
    }

    /**
     * Reads from {@code content} until the buffer is full or the content ends, passing every byte read to
     * {@code sink}.
     *
     * @return false when the content ended
     */
    boolean fill(InputStream content, ByteSink sink) throws IOException {
        while (size < capacity) {
            byte[] chunk = chunkWithRoom();
            int offset = (int) (size % CHUNK_SIZE);
            int length = (int) Math.min(CHUNK_SIZE - offset, capacity - size);
            int read = content.read(chunk, offset, length);
            if (read < 0) {
                return false;
            }
            sink.accept(chunk, offset, read);
            size += read;
        }
        return true;
    }

    long size() {
        return size;
    }

    /** Empties the buffer and keeps its chunks. No stream of the buffer may be read afterwards. */
    void clear() {
        size = 0;
    }

    /** Returns a new stream of the bytes held; the AWS SDK opens one per attempt of a request. */
    InputStream newInputStream() {
        return new ChunkStream();
    }

    /** Returns the base64 SHA-256 of the bytes held, the form of S3's {@code x-amz-checksum-sha256} header. */
    String sha256Base64() {
        MessageDigest digest = newSha256();
        long remaining = size;
        for (byte[] chunk : chunks) {
            int length = (int) Math.min(chunk.length, remaining);
            digest.update(chunk, 0, length);
            remaining -= length;
        }
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256, which every Java SE runtime must have",
                    e);
        }
    }

    private byte[] chunkWithRoom() {
        int index = (int) (size / CHUNK_SIZE);
        if (index == chunks.size()) {
            chunks.add(new byte[(int) Math.min(CHUNK_SIZE, Math.max(capacity - size, 1))]);
        }
        return chunks.get(index);
    }

    /** Receives the bytes read into the buffer, to hash them on the way. */
    interface ByteSink {
        void accept(byte[] bytes, int offset, int length);
    }

    private final class ChunkStream extends InputStream {
        private long position;

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            byte value = chunks.get((int) (position / CHUNK_SIZE))[(int) (position % CHUNK_SIZE)];
            position++;
            return value & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= size) {
                return -1;
            }
            int inChunk = (int) (position % CHUNK_SIZE);
            int count = (int) Math.min(Math.min(length, CHUNK_SIZE - inChunk), size - position);
            System.arraycopy(chunks.get((int) (position / CHUNK_SIZE)), inChunk, buffer, offset, count);
            position += count;
            return count;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, size - position);
        }
    }
}
