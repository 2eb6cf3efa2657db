package dev.imagestorage.fs;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.ByteStreams;
import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobArguments;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.SupportsUnfinishedUploadCleanup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BlobStore} of one region of a {@link FileSystemStorage}: one file per blob in {@code blobs/<REGION>/},
 * named by the blob key. Each file starts with the {@value BlobFileHeader#LENGTH}-byte header described in
 * {@link BlobFileHeader}, which contains the SHA-256.
 *
 * <p>A put streams the content into a temp file {@code .upload-<random>.tmp} in the same folder, computing size and
 * SHA-256 on the way, fsyncs it and verifies the expected checksum. It then takes the region's lock file
 * {@code locks/blobs-<REGION>.lock} through {@link FileLocks}, checks that no blob exists under the key and moves the
 * temp file into place with {@link java.nio.file.StandardCopyOption#ATOMIC_MOVE}. So a blob is never overwritten, also
 * by another process sharing the root, and readers see a complete blob or none. On any failure the put deletes the
 * temp file before it returns, or logs a warning when that delete fails. Temp file names start with '.', which no
 * blob key can.
 *
 * <p>The store is safe for use by many threads and processes.
 */
public final class FileSystemBlobStore implements BlobStore, SupportsUnfinishedUploadCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemBlobStore.class);
    private static final String TEMP_PREFIX = ".upload-";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final int BUFFER_SIZE = 64 * 1024;

    private final SafePaths paths;
    private final RegionId region;
    private final Path folder;
    private final Path lockFile;
    private final Clock clock;

    /** Opens the store of {@code region}, creating its folder when it is missing. */
    FileSystemBlobStore(SafePaths paths, RegionId region, Clock clock) {
        this.paths = requireNonNull(paths, "paths");
        this.region = requireNonNull(region, "region");
        this.clock = requireNonNull(clock, "clock");
        this.folder = paths.resolve(FileSystemStorage.BLOBS_FOLDER, region.value());
        this.lockFile = paths.resolve(FileSystemStorage.LOCKS_FOLDER, "blobs-" + region.value() + ".lock");
        try {
            DurableFiles.createDirectories(folder, paths.root());
        } catch (IOException e) {
            throw new StorageIoException(folder.toString(),
                    "failed to create the blob folder of region " + region + " at " + folder + ": " + e, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A put checks for an existing blob before it reads the content, to fail fast, and again under the region's
     * lock before the move, so two puts racing on one key store exactly one blob.
     *
     * @throws IllegalArgumentException when {@code expectedSha256} is present but not 64 lower-case hex digits
     */
    @Override
    public BlobInfo put(BlobKey key, InputStream content, Optional<String> expectedSha256) {
        requireNonNull(key, "key");
        requireNonNull(content, "content");
        requireNonNull(expectedSha256, "expectedSha256");
        BlobArguments.checkExpectedSha256(expectedSha256);
        Path target = blobPath(key);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw alreadyExists(key);
        }

        Path temp = paths.resolve(FileSystemStorage.BLOBS_FOLDER, region.value(),
                TEMP_PREFIX + UUID.randomUUID() + TEMP_SUFFIX);
        try {
            BlobInfo info = writeTempFile(key, content, temp);
            if (expectedSha256.isPresent() && !expectedSha256.get().equals(info.sha256())) {
                throw new ChecksumMismatchException(key.value(), expectedSha256.get(), info.sha256());
            }
            publish(key, temp, target);
            LOG.debug("Stored blob {} in region {}: {} bytes, SHA-256 {}", key, region, info.sizeBytes(),
                    info.sha256());
            return info;
        } finally {
            DurableFiles.deleteTempFile(temp);
        }
    }

    @Override
    public InputStream open(BlobKey key) {
        return open(key, 0, Long.MAX_VALUE);
    }

    /**
     * {@inheritDoc} The stream reads the file through a {@link FileChannel}. On POSIX systems it keeps reading the old
     * bytes when the blob is deleted meanwhile.
     */
    @Override
    public InputStream open(BlobKey key, long offset, long length) {
        requireNonNull(key, "key");
        BlobArguments.checkRange(offset, length);
        Path file = blobPath(key);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, READ);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob", key.value());
        } catch (IOException e) {
            throw ioFailure(key, "open", file, e);
        }

        try {
            long size = readInfo(key, file, channel).sizeBytes();
            channel.position(BlobFileHeader.LENGTH + Math.min(offset, size));
            return ByteStreams.limit(Channels.newInputStream(channel), length);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(channel, e);
            if (e instanceof IOException io) {
                throw ioFailure(key, "open", file, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public Optional<BlobInfo> stat(BlobKey key) {
        requireNonNull(key, "key");
        Path file = blobPath(key);
        try (FileChannel channel = FileChannel.open(file, READ)) {
            return Optional.of(readInfo(key, file, channel));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioFailure(key, "read", file, e);
        }
    }

    @Override
    public boolean delete(BlobKey key) {
        requireNonNull(key, "key");
        Path file = blobPath(key);
        try {
            boolean deleted = Files.deleteIfExists(file);
            if (deleted) {
                DurableFiles.forceDirectory(folder);
                LOG.debug("Deleted blob {} in region {}", key, region);
            }
            return deleted;
        } catch (IOException e) {
            throw ioFailure(key, "delete", file, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the age of an upload is the time since its temp file was last modified, because the file does not
     * record when the upload started. A put still writing keeps its file fresh. A put whose temp file is removed
     * fails with {@link StorageIoException}. Temp files that can not be deleted are logged and skipped.
     *
     * @throws IllegalArgumentException when {@code minimumAge} is negative
     */
    @Override
    public int deleteUnfinishedUploads(Duration minimumAge) {
        requireNonNull(minimumAge, "minimumAge");
        if (minimumAge.isNegative()) {
            throw new IllegalArgumentException("invalid minimum age " + minimumAge + ": it must not be negative");
        }
        Instant cutoff = clock.instant().minus(minimumAge);
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(folder, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                if (deleteIfOlder(temp, cutoff)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new StorageIoException(folder.toString(),
                    "failed to list unfinished uploads in " + folder + ": " + e, e);
        } catch (DirectoryIteratorException e) {
            throw new StorageIoException(folder.toString(),
                    "failed to list unfinished uploads in " + folder + ": " + e.getCause(), e.getCause());
        }
        LOG.debug("Removed {} unfinished uploads older than {} in region {}", removed, minimumAge, region);
        return removed;
    }

    /** Returns the path of the blob file of {@code key}. */
    Path blobPath(BlobKey key) {
        return paths.resolve(FileSystemStorage.BLOBS_FOLDER, region.value(), key.value());
    }

    /** Streams {@code content} into {@code temp} after room for the header, then writes the header and fsyncs. */
    private BlobInfo writeTempFile(BlobKey key, InputStream content, Path temp) {
        try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
            channel.position(BlobFileHeader.LENGTH);
            Hasher hasher = Hashing.sha256().newHasher();
            byte[] buffer = new byte[BUFFER_SIZE];
            long size = 0;
            int read;
            while ((read = readContent(key, content, buffer)) >= 0) {
                hasher.putBytes(buffer, 0, read);
                DurableFiles.writeFully(channel, ByteBuffer.wrap(buffer, 0, read));
                size += read;
            }
            String sha256 = hasher.hash().toString();
            DurableFiles.writeFully(channel, ByteBuffer.wrap(BlobFileHeader.encode(sha256)), 0);
            channel.force(true);
            return new BlobInfo(key, size, sha256);
        } catch (IOException e) {
            throw ioFailure(key, "write", temp, e);
        }
    }

    private static int readContent(BlobKey key, InputStream content, byte[] buffer) {
        try {
            return content.read(buffer);
        } catch (IOException e) {
            throw new StorageIoException(key.value(), "failed to read the content of blob '" + key + "': "
                    + e.getMessage() + "; nothing was stored", e);
        }
    }

    /** Moves the finished temp file to {@code target} unless a blob appeared there in the meantime. */
    private void publish(BlobKey key, Path temp, Path target) {
        try {
            FileLocks.withLock(lockFile, () -> {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw alreadyExists(key);
                }
                Files.move(temp, target, ATOMIC_MOVE);
                return null;
            });
            DurableFiles.forceDirectory(folder);
        } catch (IOException e) {
            throw ioFailure(key, "store", target, e);
        }
    }

    private BlobInfo readInfo(BlobKey key, Path file, FileChannel channel) throws IOException {
        // Positional reads leave the channel's position alone for the caller.
        ByteBuffer header = ByteBuffer.allocate(BlobFileHeader.LENGTH);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) {
                break;
            }
        }
        try {
            String sha256 = BlobFileHeader.decodeSha256(Arrays.copyOf(header.array(), header.position()));
            return new BlobInfo(key, channel.size() - BlobFileHeader.LENGTH, sha256);
        } catch (IllegalArgumentException e) {
            throw new StorageIoException(key.value(), "invalid blob file for '" + key + "' at " + file + ": "
                    + e.getMessage() + "; the file was not written by this store, so restore or delete it", null);
        }
    }

    private boolean deleteIfOlder(Path temp, Instant cutoff) {
        try {
            Instant modified = Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (!modified.isBefore(cutoff)) {
                return false;
            }
            boolean deleted = Files.deleteIfExists(temp);
            if (deleted) {
                LOG.debug("Deleted unfinished upload {} last modified at {}", temp, modified);
            }
            return deleted;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOG.warn("Failed to delete unfinished upload {} in region {}: {}", temp, region, e.toString());
            return false;
        }
    }

    private ConflictException alreadyExists(BlobKey key) {
        return new ConflictException(key.value(), "blob '" + key + "' already exists in region " + region
                + "; delete it first or put the content under another key");
    }

    private StorageIoException ioFailure(BlobKey key, String operation, Path path, IOException e) {
        return new StorageIoException(key.value(),
                "failed to " + operation + " blob '" + key + "' of region " + region + " at " + path + ": " + e, e);
    }

    private static void closeAfterFailure(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }


}
