package dev.imagestorage.fs;

import static java.nio.file.StandardOpenOption.READ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers for crash-safe writes: full writes, fsync of folders, creation of folders and deletion of temp files. */
final class DurableFiles {
    private static final Logger LOG = LoggerFactory.getLogger(DurableFiles.class);

    private DurableFiles() {}

    /** Writes every remaining byte of {@code buffers} at the channel's position. */
    static void writeFully(FileChannel channel, ByteBuffer... buffers) throws IOException {
        for (ByteBuffer buffer : buffers) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Writes every remaining byte of {@code buffer} at {@code position}, leaving the channel's position alone. */
    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long next = position;
        while (buffer.hasRemaining()) {
            next += channel.write(buffer, next);
        }
    }

    /**
     * Flushes the entries of {@code folder} to disk, so that a file created, renamed or deleted in it stays so after a
     * crash. Where the platform can not open a folder as a file, as on Windows, the step is skipped and logged at
     * DEBUG.
     */
    static void forceDirectory(Path folder) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(folder, READ);
        } catch (IOException e) {
            LOG.debug("Skipping fsync of folder {} because this platform can not open it: {}", folder, e.toString());
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }

    /**
     * Creates {@code folder} and its missing parents down from {@code base}, which must exist, and flushes each parent
     * that got a new entry. Another process creating the same folder at the same time is not an error.
     */
    static void createDirectories(Path folder, Path base) throws IOException {
        if (!folder.startsWith(base)) {
            throw new IllegalArgumentException("folder " + folder + " is not under " + base);
        }
        if (folder.equals(base) || Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path parent = folder.getParent();
        createDirectories(parent, base);
        try {
            Files.createDirectory(folder);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            throw e;
        }
        forceDirectory(parent);
    }

    /** Deletes {@code temp} when it still exists, logging a warning instead of throwing when that fails. */
    static void deleteTempFile(Path temp) {
        try {
            if (Files.deleteIfExists(temp)) {
                LOG.debug("Deleted temp file {} of a write that did not finish", temp);
            }
        } catch (IOException e) {
            LOG.warn("Failed to delete temp file {}, so it stays on disk until it is deleted: {}", temp, e.toString());
        }
    }
}
