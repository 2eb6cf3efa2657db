package dev.imagestorage.model;

/** Lifecycle of a copy job. */
public enum CopyJobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Whether the job has ended and will not change again. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
