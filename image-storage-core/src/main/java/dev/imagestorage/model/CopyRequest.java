package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/**
 * A copy of an image into another tenant's storage.
 *
 * @param dataTransferAcknowledged whether the caller acknowledged that a copy to another region moves customer data
 *     there; a copy across regions is denied without it
 */
public record CopyRequest(ImageId source, TenantId destination, boolean dataTransferAcknowledged) {
    public CopyRequest {
        requireNonNull(source, "source");
        requireNonNull(destination, "destination");
    }

    /** A copy without the acknowledgement, enough within one region. */
    public static CopyRequest of(ImageId source, TenantId destination) {
        return new CopyRequest(source, destination, false);
    }

    /** Returns this request with the caller's acknowledgement that customer data moves to the destination region. */
    public CopyRequest acknowledgingDataTransfer() {
        return new CopyRequest(source, destination, true);
    }
}
