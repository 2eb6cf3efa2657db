package dev.imagestorage.model;

/** Lifecycle of an image. Only {@link #ACTIVE} images can be launched, shared for use, copied or downloaded. */
public enum ImageStatus {
    /** Registered, no data yet. */
    QUEUED,
    /** An upload or a copy is writing the data. */
    SAVING,
    /** The data is complete and verified. */
    ACTIVE,
    /** An upload or copy failed and its data was discarded. */
    KILLED,
    /** Deleted for good; there is no undelete. */
    DELETED
}
