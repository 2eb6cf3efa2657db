package dev.imagestorage.model;

/** Where a server is in its life when an ISO image is attached to it or detached from it. */
public enum ServerPhase {
    /** The server is being created. */
    LAUNCH,
    /** The server exists and runs. */
    RUNNING,
    /** The server is being deleted. */
    DELETION
}
