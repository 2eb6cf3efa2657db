package dev.imagestorage.spi;

import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The bytes of one region's images. Implementations are safe for use by many threads.
 *
 * <p>Every method throws {@link StorageIoException} when the underlying storage fails.
 */
public interface BlobStore {
    /**
     * Streams {@code content} into a new blob under {@code key}, computing its size and SHA-256 on the way. The
     * blob becomes visible to {@link #open} and {@link #stat} only once all of it is written and verified; until
     * then, and after any failure, readers see no blob under {@code key}.
     *
     * <p>The content stream is read to its end but not closed. An exception thrown while reading it propagates
     * after every partial data is removed: an {@link java.io.IOException} wrapped in {@link StorageIoException},
     * an unchecked exception as it was thrown.
     *
     * @param expectedSha256 lower-case hex SHA-256 the content must have, or empty to accept any content
     * @throws ConflictException when a blob already exists under {@code key}
     * @throws ChecksumMismatchException when {@code expectedSha256} is present and differs; nothing is stored
     */
    BlobInfo put(BlobKey key, InputStream content, Optional<String> expectedSha256);

    /**
     * Opens the whole blob for reading. The caller closes the stream.
     *
     * @throws NotFoundException when there is no complete blob under {@code key}
     */
    InputStream open(BlobKey key);

    /**
     * Opens {@code length} bytes of the blob starting at {@code offset}; the stream ends early when the blob is
     * shorter. The caller closes the stream.
     *
     * @throws IllegalArgumentException when {@code offset} or {@code length} is negative
     * @throws NotFoundException when there is no complete blob under {@code key}
     */
    InputStream open(BlobKey key, long offset, long length);

    /** Returns the size and checksum of the complete blob under {@code key}, or empty when there is none. */
    Optional<BlobInfo> stat(BlobKey key);

    /**
     * Deletes the blob under {@code key}.
     *
     * @return true when a blob was deleted, false when there was none; repeating a delete is safe
     */
    boolean delete(BlobKey key);
}
