package dev.imagestorage.fs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Main class of the child processes that {@link CrossProcessLockTest} starts. Arguments: the storage root, the path
 * of the start signal file, and the number of increments. It prints "ready" once the storage is open, waits until the
 * start signal file exists, then increments the shared counter.
 */
public final class IncrementWorker {
    private IncrementWorker() {}

    public static void main(String[] args) throws InterruptedException {
        Path root = Path.of(args[0]);
        Path startSignal = Path.of(args[1]);
        int increments = Integer.parseInt(args[2]);

        try (FileSystemStorage storage = FileSystemStorage.open(root)) {
            System.out.println("ready");
            System.out.flush();
            while (!Files.exists(startSignal)) {
                Thread.sleep(1);
            }
            SharedRootTest.increment(storage.metadata(), increments);
        }
    }
}
