package dev.imagestorage.fs;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.StorageBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageBackend} that keeps everything in files under one root folder. Several processes may open the same
 * root at once. Conditional metadata writes and blob puts lock files under {@code locks/}, and every new document or
 * blob becomes visible through an atomic rename.
 *
 * <p>Layout under the root:
 *
 * <pre>
 * metadata/                  one file per document: key a/b/c is metadata/a.d/b.d/c.meta
 * blobs/&lt;REGION&gt;/            one file per blob, named by its key, and .upload-*.tmp files of puts in progress
 * locks/metadata-NN.lock     64 lock files for metadata writes, picked by a hash of the key
 * locks/blobs-&lt;REGION&gt;.lock  one lock file per region for publishing blobs
 * </pre>
 *
 * <p>{@link FileSystemMetadataStore} and {@link FileSystemBlobStore} describe the file formats and the locking.
 * Each operation opens and closes its own files, so {@link #close()} has nothing to release. It marks the storage
 * closed, after which {@link #metadata()} and {@link #blobs} throw {@link IllegalStateException}. Stores obtained
 * before keep working. The storage is safe for use by many threads.
 *
 * <p>NOTE: the layout assumes a case-sensitive filesystem. On a case-insensitive one, such as the defaults of macOS
 * and Windows, keys that differ only in case share one file.
 */
public final class FileSystemStorage implements StorageBackend {
    static final String METADATA_FOLDER = "metadata";
    static final String BLOBS_FOLDER = "blobs";
    static final String LOCKS_FOLDER = "locks";

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemStorage.class);

    private final SafePaths paths;
    private final FileSystemMetadataStore metadata;
    private final ConcurrentMap<RegionId, FileSystemBlobStore> blobStores = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FileSystemStorage(SafePaths paths) {
        this.paths = paths;
        this.metadata = new FileSystemMetadataStore(paths);
    }

    /**
     * Opens the storage in {@code root}, creating the folder and its {@code metadata}, {@code blobs} and {@code locks}
     * folders when they are missing. Opening a root again finds the data written before.
     *
     * @throws IllegalArgumentException when {@code root} exists but is not a directory, or is not writable
     * @throws StorageIoException when a folder can not be created or the root can not be resolved
     */
    public static FileSystemStorage open(Path root) {
        requireNonNull(root, "root");
        Path absolute = root.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("storage root " + absolute
                    + " is not a directory; pass the path of a folder, or of one that does not exist yet");
        }
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new StorageIoException(absolute.toString(), "failed to create storage root " + absolute + ": " + e
                    + "; check that its parent folders exist or can be created", e);
        }
        if (!Files.isWritable(absolute)) {
            throw new IllegalArgumentException("storage root " + absolute
                    + " is not writable; grant this process write permission or choose another folder");
        }

        SafePaths paths;
        try {
            // The real path makes every spelling of the root, including through symbolic links, map to the same
            // lock files and in-JVM locks.
            paths = new SafePaths(absolute.toRealPath());
            for (String folder : new String[] {METADATA_FOLDER, BLOBS_FOLDER, LOCKS_FOLDER}) {
                DurableFiles.createDirectories(paths.resolve(folder), paths.root());
            }
        } catch (IOException e) {
            throw new StorageIoException(absolute.toString(),
                    "failed to prepare the folders of storage root " + absolute + ": " + e, e);
        }
        LOG.debug("Opened filesystem storage at {}", paths.root());
        return new FileSystemStorage(paths);
    }

    /** Returns the real path of the root folder. */
    public Path root() {
        return paths.root();
    }

    @Override
    public FileSystemMetadataStore metadata() {
        checkOpen();
        return metadata;
    }

    /**
     * Returns the blob store of {@code region}, creating its folder on the first request for that region.
     *
     * @throws StorageIoException when the region's folder can not be created
     */
    @Override
    public FileSystemBlobStore blobs(RegionId region) {
        requireNonNull(region, "region");
        checkOpen();
        return blobStores.computeIfAbsent(region, unused -> new FileSystemBlobStore(paths, region, Clock.systemUTC()));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            LOG.debug("Closed filesystem storage at {}", paths.root());
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("filesystem storage at " + paths.root()
                    + " is closed; open it again with FileSystemStorage.open");
        }
    }
}
