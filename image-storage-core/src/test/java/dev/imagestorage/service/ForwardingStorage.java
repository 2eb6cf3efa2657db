package dev.imagestorage.service;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.StorageBackend;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend that passes every call to another one and wraps each region's blob store once, so a test can change the
 * behaviour of a few blob store methods.
 */
abstract class ForwardingStorage implements StorageBackend {
    private final StorageBackend delegate;
    private final Map<RegionId, BlobStore> stores = new ConcurrentHashMap<>();

    ForwardingStorage(StorageBackend delegate) {
        this.delegate = delegate;
    }

    /** Returns the blob store the backend hands out for a region, built around the delegate's store. */
    abstract BlobStore wrap(BlobStore blobs);

    @Override
    public MetadataStore metadata() {
        return delegate.metadata();
    }

    @Override
    public BlobStore blobs(RegionId region) {
        return stores.computeIfAbsent(region, r -> wrap(delegate.blobs(r)));
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** A blob store that passes every call to another one; subclasses override what they change. */
    abstract static class ForwardingBlobStore implements BlobStore {
        final BlobStore blobs;

        ForwardingBlobStore(BlobStore blobs) {
            this.blobs = blobs;
        }

        @Override
        public BlobInfo put(BlobKey key, InputStream content, Optional<String> expectedSha256) {
            return blobs.put(key, content, expectedSha256);
        }

        @Override
        public InputStream open(BlobKey key) {
            return blobs.open(key);
        }

        @Override
        public InputStream open(BlobKey key, long offset, long length) {
            return blobs.open(key, offset, length);
        }

        @Override
        public Optional<BlobInfo> stat(BlobKey key) {
            return blobs.stat(key);
        }

        @Override
        public boolean delete(BlobKey key) {
            return blobs.delete(key);
        }
    }
}
