package dev.imagestorage.memory;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.BlobArguments;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.SupportsUnfinishedUploadCleanup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BlobStore} that keeps its blobs in byte arrays, for tests. It is strict so that tests catch misuse:
 *
 * <ul>
 *   <li>It tracks every stream that {@link #open} returned until the caller closes it. {@link #openStreamCount()} and
 *       {@link #assertNoOpenStreams()} let a test fail when code under test leaks a stream.
 *   <li>It tracks each {@link #put} in progress with its start time from the injected {@link Clock}.
 *       {@link #deleteUnfinishedUploads} removes the puts that started more than the given age ago, and each removed
 *       put then fails with {@link StorageIoException} instead of storing its blob.
 * </ul>
 *
 * <p>A put streams its content, computing size and SHA-256 while it reads, into a byte array, so a blob can hold at
 * most about 2 GiB. A blob becomes visible in one atomic map operation, and a put that fails leaves nothing visible.
 * The store is safe for use by many threads. Streams returned by {@link #open} read a snapshot, so deleting the blob
 * does not affect a stream already open.
 */
public final class InMemoryBlobStore implements BlobStore, SupportsUnfinishedUploadCleanup {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Clock clock;
    private final ConcurrentMap<BlobKey, StoredBlob> blobs = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, Instant> uploadStartTimes = new ConcurrentHashMap<>();
    private final AtomicLong lastUploadId = new AtomicLong();
    private final Set<TrackedStream> openStreams = ConcurrentHashMap.newKeySet();

    /** Creates an empty store that reads upload start times from {@code clock}. */
    public InMemoryBlobStore(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** Creates an empty store that reads upload start times from the system clock in UTC. */
    public InMemoryBlobStore() {
        this(Clock.systemUTC());
    }

    /**
     * {@inheritDoc}
     *
     * <p>A put checks for an existing blob before it reads the content and again when it stores the blob, so two puts
     * racing on one key store exactly one blob and the other gets a {@link ConflictException}.
     *
     * @throws IllegalArgumentException when {@code expectedSha256} is present but not 64 lower-case hex digits
     * @throws StorageIoException also when {@link #deleteUnfinishedUploads} removed this put before it finished
     */
    @Override
    public BlobInfo put(BlobKey key, InputStream content, Optional<String> expectedSha256) {
        requireNonNull(key, "key");
        requireNonNull(content, "content");
        requireNonNull(expectedSha256, "expectedSha256");
        BlobArguments.checkExpectedSha256(expectedSha256);
        if (blobs.containsKey(key)) {
            throw alreadyExists(key);
        }

        long uploadId = lastUploadId.incrementAndGet();
        uploadStartTimes.put(uploadId, clock.instant());
        try {
            HashingInputStream hashingContent = new HashingInputStream(Hashing.sha256(), content);
            byte[] bytes = readContent(key, hashingContent);
            BlobInfo info = new BlobInfo(key, bytes.length, hashingContent.hash().toString());

            if (uploadStartTimes.remove(uploadId) == null) {
                throw new StorageIoException(key.value(), "upload of blob '" + key + "' was removed by "
                        + "deleteUnfinishedUploads before it finished; nothing was stored, so put it again", null);
            }
            if (expectedSha256.isPresent() && !expectedSha256.get().equals(info.sha256())) {
                throw new ChecksumMismatchException(key.value(), expectedSha256.get(), info.sha256());
            }
            if (blobs.putIfAbsent(key, new StoredBlob(bytes, info)) != null) {
                throw alreadyExists(key);
            }
            return info;
        } finally {
            uploadStartTimes.remove(uploadId);
        }
    }

    @Override
    public InputStream open(BlobKey key) {
        return open(key, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream open(BlobKey key, long offset, long length) {
        requireNonNull(key, "key");
        BlobArguments.checkRange(offset, length);
        StoredBlob blob = blobs.get(key);
        if (blob == null) {
            throw new NotFoundException("blob", key.value());
        }

        int size = blob.bytes().length;
        int start = (int) Math.min(offset, size);
        int count = (int) Math.min(length, size - start);
        TrackedStream stream = new TrackedStream(blob.bytes(), start, count, "blob '" + key + "' at offset " + offset);
        openStreams.add(stream);
        return stream;
    }

    @Override
    public Optional<BlobInfo> stat(BlobKey key) {
        requireNonNull(key, "key");
        return Optional.ofNullable(blobs.get(key)).map(StoredBlob::info);
    }

    @Override
    public boolean delete(BlobKey key) {
        requireNonNull(key, "key");
        return blobs.remove(key) != null;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here an unfinished upload is a {@link #put} still reading its content, and its start time comes from the
     * injected clock. The removed put throws {@link StorageIoException} once its content stream ends.
     *
     * @throws IllegalArgumentException when {@code minimumAge} is negative
     */
    @Override
    public int deleteUnfinishedUploads(Duration minimumAge) {
        requireNonNull(minimumAge, "minimumAge");
        if (minimumAge.isNegative()) {
            throw new IllegalArgumentException("invalid minimum age " + minimumAge + ": it must not be negative");
        }
        Instant cutoff = clock.instant().minus(minimumAge);
        int removed = 0;
        for (var entry : uploadStartTimes.entrySet()) {
            if (entry.getValue().isBefore(cutoff) && uploadStartTimes.remove(entry.getKey(), entry.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    /** Returns the number of puts that are still reading their content. */
    public int unfinishedUploadCount() {
        return uploadStartTimes.size();
    }

    /** Returns the number of streams returned by {@link #open} that are not closed yet. */
    public int openStreamCount() {
        return openStreams.size();
    }

    /**
     * Throws {@link AssertionError} listing the blob and offset of every stream returned by {@link #open} that is not
     * closed yet. Call it at the end of a test to catch leaked streams.
     */
    public void assertNoOpenStreams() {
        List<String> open = openStreams.stream().map(TrackedStream::description).sorted().toList();
        if (!open.isEmpty()) {
            throw new AssertionError(open.size() + " stream(s) returned by open were not closed: " + open);
        }
    }

    private static byte[] readContent(BlobKey key, InputStream content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[BUFFER_SIZE];
        while (true) {
            int read;
            try {
                read = content.read(buffer);
            } catch (IOException e) {
                throw new StorageIoException(key.value(), "failed to read the content of blob '" + key + "': "
                        + e.getMessage() + "; nothing was stored", e);
            }
            if (read < 0) {
                return bytes.toByteArray();
            }
            bytes.write(buffer, 0, read);
        }
    }

    private static ConflictException alreadyExists(BlobKey key) {
        return new ConflictException(key.value(),
                "blob '" + key + "' already exists; delete it first or put the content under another key");
    }



    private record StoredBlob(byte[] bytes, BlobInfo info) {}

    /** A stream over a stored blob that removes itself from the open streams when it is closed. */
    private final class TrackedStream extends ByteArrayInputStream {
        private final String description;
        private final AtomicBoolean closed = new AtomicBoolean();

        TrackedStream(byte[] bytes, int offset, int length, String description) {
            super(bytes, offset, length);
            this.description = description;
        }

        String description() {
            return description;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                openStreams.remove(this);
            }
        }
    }
}
