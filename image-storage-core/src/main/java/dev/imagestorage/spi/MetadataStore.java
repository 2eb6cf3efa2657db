package dev.imagestorage.spi;

import dev.imagestorage.ConflictException;
import dev.imagestorage.StorageIoException;
import java.util.List;
import java.util.Optional;

/**
 * A small key-value store of metadata documents with conditional writes. It is the part of a storage backend that
 * holds images, memberships, copy jobs and counters; the SDK serializes those itself.
 *
 * <p>Every write is atomic: a reader sees either the whole previous document or the whole new one, never a part.
 * Every conditional write compares the stored version token with the expected one and writes only when they are
 * equal, also when several processes share the same store. Implementations are safe for use by many threads.
 *
 * <p>Every method throws {@link StorageIoException} when the underlying storage fails; after such a failure the key
 * holds either the previous document or the new one.
 */
public interface MetadataStore {
    /** Reads the document under {@code key}, or returns empty when there is none. */
    Optional<VersionedValue> get(MetadataKey key);

    /**
     * Stores {@code value} under {@code key} when no document exists there.
     *
     * @return the version token of the new document
     * @throws ConflictException when a document already exists under {@code key}
     */
    String create(MetadataKey key, byte[] value);

    /**
     * Replaces the document under {@code key} when its version token is still {@code expectedVersion}.
     *
     * @return the version token of the new document
     * @throws ConflictException when the document is missing or has another version token
     */
    String replace(MetadataKey key, byte[] value, String expectedVersion);

    /**
     * Deletes the document under {@code key} when its version token is still {@code expectedVersion}.
     *
     * @return true when the document was deleted, false when there was none; repeating a delete is safe
     * @throws ConflictException when the document exists with another version token
     */
    boolean delete(MetadataKey key, String expectedVersion);

    /**
     * Lists the keys of every document whose key starts with {@code prefix} and is longer than it, in ascending
     * order of {@link MetadataKey#toString()}.
     */
    List<MetadataKey> list(MetadataKey prefix);
}
