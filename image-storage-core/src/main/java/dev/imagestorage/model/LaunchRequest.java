package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A resource to create from an image.
 *
 * @param isoPurpose what an ISO image is used for; required for ISO images, absent for templates
 * @param diskGb disk size of the resource in GB; for an ISO, the size of the volume the installer writes to
 * @param memoryMb memory of the server in MB; 0 for a volume
 */
public record LaunchRequest(ResourceType resource, Optional<IsoPurpose> isoPurpose, int diskGb, int memoryMb) {
    public LaunchRequest {
        requireNonNull(resource, "resource");
        requireNonNull(isoPurpose, "isoPurpose");
        if (diskGb < 0 || memoryMb < 0) {
            throw new IllegalArgumentException("invalid launch request: disk " + diskGb + " GB and memory "
                    + memoryMb + " MB must be 0 or more");
        }
    }

    /** A resource created from a template. */
    public static LaunchRequest of(ResourceType resource, int diskGb, int memoryMb) {
        return new LaunchRequest(resource, Optional.empty(), diskGb, memoryMb);
    }

    /** A resource created from an ISO image used for {@code purpose}. */
    public static LaunchRequest fromIso(ResourceType resource, IsoPurpose purpose, int diskGb, int memoryMb) {
        return new LaunchRequest(resource, Optional.of(purpose), diskGb, memoryMb);
    }
}
