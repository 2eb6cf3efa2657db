package dev.imagestorage.spi;

import dev.imagestorage.model.RegionId;

/**
 * A place where the SDK keeps its data: one metadata store, and one blob store per region. The filesystem
 * backend, the S3 backend and the in-memory backend implement it.
 */
public interface StorageBackend extends AutoCloseable {
    MetadataStore metadata();

    /**
     * Returns the blob store of {@code region}, creating it when the backend creates stores on demand.
     *
     * @throws IllegalArgumentException when the backend has no store for {@code region} and can not create one
     */
    BlobStore blobs(RegionId region);

    /** Releases what the backend holds open. Calling it twice is safe. */
    @Override
    void close();
}
