package dev.imagestorage.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** A copy executor that only queues jobs, so a test decides when they run. Not thread-safe. */
final class ManualExecutor implements Executor {
    private final List<Runnable> queued = new ArrayList<>();

    @Override
    public void execute(Runnable job) {
        queued.add(job);
    }

    int queuedCount() {
        return queued.size();
    }

    /** Runs every queued job in the order it was queued, including jobs queued while running. */
    void runAll() {
        while (!queued.isEmpty()) {
            queued.remove(0).run();
        }
    }
}
