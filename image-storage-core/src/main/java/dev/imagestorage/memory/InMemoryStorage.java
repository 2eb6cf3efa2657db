package dev.imagestorage.memory;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.StorageBackend;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link StorageBackend} that keeps everything in memory, for tests: one {@link InMemoryMetadataStore} and an
 * {@link InMemoryBlobStore} per region, created on the first request for that region. All blob stores share the
 * injected clock, so a test can age unfinished uploads without waiting.
 *
 * <p>The backend is safe for use by many threads. {@link #close()} marks it closed, after which {@link #metadata()}
 * and {@link #blobs} throw {@link IllegalStateException}. Stores obtained before the close keep their data and keep
 * working.
 */
public final class InMemoryStorage implements StorageBackend {
    private final Clock clock;
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final ConcurrentMap<RegionId, InMemoryBlobStore> blobStores = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private InMemoryStorage(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** Creates an empty backend whose blob stores read upload start times from the system clock in UTC. */
    public static InMemoryStorage create() {
        return new InMemoryStorage(Clock.systemUTC());
    }

    /** Creates an empty backend whose blob stores read upload start times from {@code clock}. */
    public static InMemoryStorage create(Clock clock) {
        return new InMemoryStorage(clock);
    }

    @Override
    public InMemoryMetadataStore metadata() {
        checkOpen();
        return metadata;
    }

    /** Returns the blob store of {@code region}, creating an empty one on the first request for that region. */
    @Override
    public InMemoryBlobStore blobs(RegionId region) {
        requireNonNull(region, "region");
        checkOpen();
        return blobStores.computeIfAbsent(region, unused -> new InMemoryBlobStore(clock));
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(
                    "in-memory storage is closed; create a new one with InMemoryStorage.create()");
        }
    }
}
