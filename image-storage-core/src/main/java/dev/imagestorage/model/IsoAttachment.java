package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** An ISO image attached to a server, recorded so that the one-to-one rule of baremetal servers holds. */
public record IsoAttachment(ImageId image, ServerRef server, TenantId attachedBy, Instant attachedAt) {
    public IsoAttachment {
        requireNonNull(image, "image");
        requireNonNull(server, "server");
        requireNonNull(attachedBy, "attachedBy");
        requireNonNull(attachedAt, "attachedAt");
    }
}
