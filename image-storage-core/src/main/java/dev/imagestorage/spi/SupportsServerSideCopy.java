package dev.imagestorage.spi;

import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;

/**
 * A blob store that can copy a blob into another store without streaming the bytes through this process. Copy jobs
 * use it when the source region's store can copy into the destination region's store, and stream otherwise.
 */
public interface SupportsServerSideCopy {
    /** Whether {@link #copyTo} can copy into {@code destination}. */
    boolean canCopyServerSide(BlobStore destination);

    /**
     * Copies the blob under {@code source} into {@code destination} under {@code destinationKey}, with the same
     * outcomes as {@code destination.put} of the source's bytes with the source's SHA-256 expected: the copy becomes
     * visible only once complete, and a failed copy leaves nothing.
     *
     * @throws IllegalArgumentException when {@link #canCopyServerSide} is false for {@code destination}
     * @throws NotFoundException when there is no blob under {@code source}
     * @throws ConflictException when a blob already exists under {@code destinationKey}
     * @throws StorageIoException when the storage fails
     */
    BlobInfo copyTo(BlobKey source, BlobStore destination, BlobKey destinationKey);
}
