package dev.imagestorage.model;

/** The status of a member tenant's membership in an image shared with it. */
public enum MembershipStatus {
    /** Added by the owner; the member has not accepted or rejected it and can not use the image yet. */
    PENDING,
    /** The member accepted; the image is visible to it and it can use it. */
    ACCEPTED,
    /** The member rejected; it does not see the image, and may still accept later. */
    REJECTED
}
