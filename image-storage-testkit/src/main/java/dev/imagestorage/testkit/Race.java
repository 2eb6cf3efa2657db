package dev.imagestorage.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs one task on several threads that start at the same moment, for tests of concurrent writes. */
final class Race {
    private static final long TIMEOUT_SECONDS = 120;

    private Race() {}

    /** Result of one thread: the value its task returned, or the unchecked exception it threw. */
    record Outcome<T>(T value, RuntimeException failure) {
        boolean succeeded() {
            return failure == null;
        }
    }

    /**
     * Runs {@code task} once on each of {@code threads} threads, passing the thread's index, and returns the
     * outcomes in index order. An {@link Error} such as a failed assertion inside a task fails the whole run.
     */
    static <T> List<Outcome<T>> run(int threads, IntFunction<T> task) {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    start.await();
                    try {
                        return new Outcome<T>(task.apply(index), null);
                    } catch (RuntimeException e) {
                        return new Outcome<T>(null, e);
                    }
                }));
            }
            start.countDown();

            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> future : futures) {
                outcomes.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the racing threads", e);
        } catch (ExecutionException e) {
            throw new AssertionError("a racing thread failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("racing threads did not finish within " + TIMEOUT_SECONDS + " s", e);
        } finally {
            executor.shutdownNow();
        }
    }
}
