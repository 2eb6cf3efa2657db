package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import dev.imagestorage.ConflictException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.VersionedValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MetadataStore} of a {@link FileSystemStorage}: one file per document under {@code metadata/}.
 *
 * <p>The document of key {@code a/b/c} is the file {@code metadata/a.d/b.d/c.meta}. Folders get the suffix ".d" and
 * documents ".meta", so a key and the prefix of longer keys never need the same name, even for segments that end in
 * ".d" or ".meta". The file contains a header line with the version token and then the value, as
 * {@link MetadataDocument} describes. Each write stores a new random version token.
 *
 * <p>A write goes to a temp file in the target's folder whose name starts with '.', which no key segment can. The
 * temp file is fsynced, moved over the target with {@link java.nio.file.StandardCopyOption#ATOMIC_MOVE}, and the
 * folder is fsynced too, so readers see the old or the new document and never a part. Reads take no lock.
 *
 * <p>Create, replace and delete hold a lock from {@link FileLocks} on one of {@value #LOCK_STRIPES} lock files
 * {@code locks/metadata-NN.lock}, chosen by a hash of the key, while they compare and write. That makes the conditional
 * writes hold across threads and across processes that share the root. Every process must use the same stripe count
 * and hash, so changing either needs all processes stopped.
 *
 * <p>NOTE: deleting a document leaves its folders in place, even when they become empty, because removing a folder
 * could race with a write of another key in it that holds a different lock stripe.
 */
public final class FileSystemMetadataStore implements MetadataStore {
    static final String DOCUMENT_SUFFIX = ".meta";
    static final String FOLDER_SUFFIX = ".d";
    static final int LOCK_STRIPES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemMetadataStore.class);

    private final SafePaths paths;
    private final Path metadataRoot;

    /** Creates the store on a storage root whose {@code metadata} and {@code locks} folders exist. */
    FileSystemMetadataStore(SafePaths paths) {
        this.paths = requireNonNull(paths, "paths");
        this.metadataRoot = paths.resolve(FileSystemStorage.METADATA_FOLDER);
    }

    /** {@inheritDoc} It takes no lock, and a concurrent write makes it return the old or the new document. */
    @Override
    public Optional<VersionedValue> get(MetadataKey key) {
        requireNonNull(key, "key");
        Path file = documentPath(key);
        try {
            return read(key, file).map(document -> new VersionedValue(document.value(), document.version()));
        } catch (IOException e) {
            throw ioFailure(key, "read", file, e);
        }
    }

    @Override
    public String create(MetadataKey key, byte[] value) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        Path file = documentPath(key);
        try {
            return FileLocks.withLock(lockFile(key), () -> {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ConflictException(key.toString(),
                            "metadata key '" + key + "' already exists; read it and use replace to change it");
                }
                String version = write(key, file, value);
                LOG.debug("Created metadata document {} with version {}", key, version);
                return version;
            });
        } catch (IOException e) {
            throw ioFailure(key, "create", file, e);
        }
    }

    @Override
    public String replace(MetadataKey key, byte[] value, String expectedVersion) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        requireNonNull(expectedVersion, "expectedVersion");
        Path file = documentPath(key);
        try {
            return FileLocks.withLock(lockFile(key), () -> {
                Optional<MetadataDocument> current = read(key, file);
                if (current.isEmpty()) {
                    throw new ConflictException(key.toString(),
                            "metadata key '" + key + "' not found: a conditional write needs an existing document");
                }
                checkVersion(key, current.get(), expectedVersion);
                String version = write(key, file, value);
                LOG.debug("Replaced metadata document {} version {} with version {}", key, expectedVersion, version);
                return version;
            });
        } catch (IOException e) {
            throw ioFailure(key, "replace", file, e);
        }
    }

    @Override
    public boolean delete(MetadataKey key, String expectedVersion) {
        requireNonNull(key, "key");
        requireNonNull(expectedVersion, "expectedVersion");
        Path file = documentPath(key);
        try {
            return FileLocks.withLock(lockFile(key), () -> {
                Optional<MetadataDocument> current = read(key, file);
                if (current.isEmpty()) {
                    return false;
                }
                checkVersion(key, current.get(), expectedVersion);
                Files.delete(file);
                DurableFiles.forceDirectory(file.getParent());
                LOG.debug("Deleted metadata document {} version {}", key, expectedVersion);
                return true;
            });
        } catch (IOException e) {
            throw ioFailure(key, "delete", file, e);
        }
    }

    /**
     * {@inheritDoc} It walks the folder of {@code prefix} without a lock, so a document written or deleted during the
     * walk may or may not be listed. Files whose names are not a valid segment plus ".meta", such as temp files, are
     * skipped.
     */
    @Override
    public List<MetadataKey> list(MetadataKey prefix) {
        requireNonNull(prefix, "prefix");
        Path folder = folderPath(prefix);
        List<MetadataKey> keys = new ArrayList<>();
        try {
            collectKeys(folder, prefix, keys);
        } catch (IOException e) {
            throw new StorageIoException(prefix.toString(),
                    "failed to list metadata keys under '" + prefix + "' in " + folder + ": " + e, e);
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    /** Returns the path of the document file of {@code key}. */
    Path documentPath(MetadataKey key) {
        List<String> names = folderNames(key.segments().subList(0, key.segments().size() - 1));
        names.add(key.name() + DOCUMENT_SUFFIX);
        return paths.resolve(names);
    }

    private Path folderPath(MetadataKey prefix) {
        return paths.resolve(folderNames(prefix.segments()));
    }

    private Path tempPath(MetadataKey key) {
        List<String> names = folderNames(key.segments().subList(0, key.segments().size() - 1));
        names.add("." + key.name() + "." + UUID.randomUUID() + ".tmp");
        return paths.resolve(names);
    }

    private static List<String> folderNames(List<String> segments) {
        List<String> names = new ArrayList<>();
        names.add(FileSystemStorage.METADATA_FOLDER);
        for (String segment : segments) {
            names.add(segment + FOLDER_SUFFIX);
        }
        return names;
    }

    private Path lockFile(MetadataKey key) {
        int stripe = Math.floorMod(Hashing.murmur3_32_fixed().hashString(key.toString(), UTF_8).asInt(), LOCK_STRIPES);
        return paths.resolve(FileSystemStorage.LOCKS_FOLDER, String.format("metadata-%02d.lock", stripe));
    }

    private static Optional<MetadataDocument> read(MetadataKey key, Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(MetadataDocument.decode(bytes));
        } catch (IllegalArgumentException e) {
            throw new StorageIoException(key.toString(), "invalid metadata document '" + key + "' at " + file + ": "
                    + e.getMessage() + "; the file was not written by this store, so restore or delete it", null);
        }
    }

    /** Writes a document with a new version token through a temp file and returns the token. */
    private String write(MetadataKey key, Path file, byte[] value) throws IOException {
        String version = UUID.randomUUID().toString();
        Path folder = file.getParent();
        DurableFiles.createDirectories(folder, metadataRoot);
        Path temp = tempPath(key);
        try {
            try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
                DurableFiles.writeFully(channel, ByteBuffer.wrap(new MetadataDocument(version, value).encode()));
                channel.force(true);
            }
            Files.move(temp, file, ATOMIC_MOVE);
            DurableFiles.forceDirectory(folder);
            return version;
        } finally {
            DurableFiles.deleteTempFile(temp);
        }
    }

    private static void collectKeys(Path folder, MetadataKey folderKey, List<MetadataKey> keys) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.endsWith(DOCUMENT_SUFFIX) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    childKey(folderKey, name, DOCUMENT_SUFFIX).ifPresent(keys::add);
                } else if (name.endsWith(FOLDER_SUFFIX) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Optional<MetadataKey> subfolderKey = childKey(folderKey, name, FOLDER_SUFFIX);
                    if (subfolderKey.isPresent()) {
                        collectKeys(entry, subfolderKey.get(), keys);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // No document was ever written under this prefix.
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    /** Returns the key that a file or folder name in the folder of {@code folderKey} stands for, if it is valid. */
    private static Optional<MetadataKey> childKey(MetadataKey folderKey, String name, String suffix) {
        String segment = name.substring(0, name.length() - suffix.length());
        try {
            return Optional.of(folderKey.child(segment));
        } catch (IllegalArgumentException e) {
            LOG.debug("Skipping '{}' under metadata prefix {} because it is not a document or key folder", name,
                    folderKey);
            return Optional.empty();
        }
    }

    private static void checkVersion(MetadataKey key, MetadataDocument current, String expectedVersion) {
        if (!current.version().equals(expectedVersion)) {
            throw new ConflictException(key.toString(), "version conflict on metadata key '" + key
                    + "': expected version " + expectedVersion + " but the stored version is " + current.version()
                    + "; read it again and retry");
        }
    }

    private static StorageIoException ioFailure(MetadataKey key, String operation, Path path, IOException e) {
        return new StorageIoException(key.toString(),
                "failed to " + operation + " metadata document '" + key + "' at " + path + ": " + e, e);
    }
}
