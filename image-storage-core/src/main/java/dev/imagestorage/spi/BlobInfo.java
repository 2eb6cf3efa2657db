package dev.imagestorage.spi;

import static java.util.Objects.requireNonNull;

/**
 * What a blob store recorded about a complete blob.
 *
 * @param sizeBytes number of bytes stored
 * @param sha256 lower-case hex SHA-256 of the stored bytes
 */
public record BlobInfo(BlobKey key, long sizeBytes, String sha256) {
    public BlobInfo {
        requireNonNull(key, "key");
        requireNonNull(sha256, "sha256");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("invalid blob size " + sizeBytes + ": must be 0 or more");
        }
        if (!BlobArguments.isSha256Hex(sha256)) {
            throw new IllegalArgumentException("invalid SHA-256 '" + sha256 + "': expected 64 lower-case hex digits");
        }
    }
}
