package dev.imagestorage.model;

/** Whether a contract or a tenant may use the service. */
public enum Standing {
    /** In good standing: every operation the rules allow. */
    ACTIVE,
    /**
     * Suspended by the provider: it can not register, upload, share, accept, copy, launch from or download images.
     * Its data is kept, and members of its shared images lose access until the suspension is lifted.
     */
    SUSPENDED,
    /** The contract ended: its images were deleted and it can do nothing more. */
    TERMINATED;

    /** Returns the more restrictive of this standing and {@code other}. */
    public Standing combine(Standing other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
