package dev.imagestorage.memory;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.ConflictException;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.VersionedValue;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MetadataStore} that keeps its documents in a map, for tests and single-process tools.
 *
 * <p>Every write is atomic, and the conditional writes compare the version token in one atomic map operation, so the
 * store is safe for use by many threads. Each write gets a version token that no earlier write of this store had, so
 * a token read before a delete never matches a document created again under the same key. Callers must treat tokens
 * as opaque strings. Nothing is persisted: the documents are lost with the store.
 */
public final class InMemoryMetadataStore implements MetadataStore {
    private final ConcurrentMap<MetadataKey, VersionedValue> documents = new ConcurrentHashMap<>();
    private final AtomicLong lastVersion = new AtomicLong();

    @Override
    public Optional<VersionedValue> get(MetadataKey key) {
        requireNonNull(key, "key");
        return Optional.ofNullable(documents.get(key));
    }

    @Override
    public String create(MetadataKey key, byte[] value) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        VersionedValue created = new VersionedValue(value, nextVersion());
        if (documents.putIfAbsent(key, created) != null) {
            throw new ConflictException(key.toString(),
                    "metadata key '" + key + "' already exists; read it and use replace to change it");
        }
        return created.version();
    }

    @Override
    public String replace(MetadataKey key, byte[] value, String expectedVersion) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        requireNonNull(expectedVersion, "expectedVersion");
        VersionedValue current = documents.get(key);
        checkVersion(key, current, expectedVersion);
        VersionedValue replacement = new VersionedValue(value, nextVersion());
        // The map compares the stored value with the one read above by equals, which includes the version token.
        // Every write stores a new token, so a write in between makes the replace fail and the caller sees a conflict.
        if (!documents.replace(key, current, replacement)) {
            throw new ConflictException(key.toString(),
                    "metadata key '" + key + "' changed concurrently; read it again and retry");
        }
        return replacement.version();
    }

    @Override
    public boolean delete(MetadataKey key, String expectedVersion) {
        requireNonNull(key, "key");
        requireNonNull(expectedVersion, "expectedVersion");
        while (true) {
            VersionedValue current = documents.get(key);
            if (current == null) {
                return false;
            }
            checkVersion(key, current, expectedVersion);
            if (documents.remove(key, current)) {
                return true;
            }
            // Another thread deleted or replaced the document after the read: read again, so that the result is
            // false for a concurrent delete and a conflict for a concurrent replace.
        }
    }

    @Override
    public List<MetadataKey> list(MetadataKey prefix) {
        requireNonNull(prefix, "prefix");
        int prefixLength = prefix.segments().size();
        return documents.keySet().stream()
                .filter(key -> key.segments().size() > prefixLength && key.startsWith(prefix))
                .sorted()
                .toList();
    }

    private String nextVersion() {
        return "m" + lastVersion.incrementAndGet();
    }

    private static void checkVersion(MetadataKey key, VersionedValue current, String expectedVersion) {
        if (current == null) {
            throw new ConflictException(key.toString(),
                    "metadata key '" + key + "' not found: a conditional write needs an existing document");
        }
        if (!current.version().equals(expectedVersion)) {
            throw new ConflictException(key.toString(), "version conflict on metadata key '" + key
                    + "': expected version " + expectedVersion + " but the stored version is " + current.version()
                    + "; read it again and retry");
        }
    }
}
