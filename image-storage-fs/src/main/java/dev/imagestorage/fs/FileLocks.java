package dev.imagestorage.fs;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion on a lock file, between the threads of this JVM and between processes.
 *
 * <p>A {@link FileChannel#lock()} excludes other processes, but within one JVM a second overlapping lock on the same
 * file throws {@link java.nio.channels.OverlappingFileLockException}. The {@link FileLock} documentation also warns
 * that on some systems closing any channel of a file releases every lock the JVM holds on that file. So each lock
 * file also has one in-JVM lock, shared by all storages of this class loader, and a thread opens the lock file only
 * while it holds that in-JVM lock.
 */
final class FileLocks {
    private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private FileLocks() {}

    /** An action that runs while the lock is held. */
    @FunctionalInterface
    interface LockedAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} while holding the lock on {@code lockFile}, creating the file when it is missing. Calls must
     * not nest on the same lock file, because the file lock is not reentrant.
     *
     * @param lockFile an absolute, normalized path, so that every spelling of one file maps to one in-JVM lock
     */
    static <T> T withLock(Path lockFile, LockedAction<T> action) throws IOException {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, unused -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, CREATE, WRITE)) {
            FileLock fileLock = channel.lock();
            try {
                return action.run();
            } finally {
                fileLock.release();
            }
        } finally {
            jvmLock.unlock();
        }
    }
}
