package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A tenant's membership in an image shared with it by the image's owner. */
public record Membership(ImageId image, TenantId member, MembershipStatus status, Instant createdAt, Instant updatedAt) {
    public Membership {
        requireNonNull(image, "image");
        requireNonNull(member, "member");
        requireNonNull(status, "status");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
    }

    public Membership withStatus(MembershipStatus newStatus, Instant at) {
        return new Membership(image, member, newStatus, createdAt, at);
    }
}
