package dev.imagestorage.model;

/** A member tenant's answer to an image shared with it. */
public enum MembershipStatus {
    /** Added by the owner; the member has not answered and can not use the image yet. */
    PENDING,
    /** The member accepted; it sees and uses the image. */
    ACCEPTED,
    /** The member rejected; it does not see the image, and may still accept later. */
    REJECTED
}
