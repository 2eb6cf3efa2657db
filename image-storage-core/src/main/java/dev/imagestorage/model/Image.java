package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An image as stored in the repository: its registered properties, its lifecycle status and, once its data is
 * complete, the size and SHA-256 of its bytes.
 *
 * <p>The name is stored as given; the policy engine decides whether a name is valid when the image is registered.
 *
 * @param region the owner tenant's region, where the bytes are stored
 * @param minDiskGb minimum disk of a resource created from the image, in GB; 0 means no minimum
 * @param minMemoryMb minimum memory of a resource created from the image, in MB; 0 means no minimum
 * @param deletionProtected when true, nobody can delete the image until protection is turned off
 * @param sizeBytes size of the stored bytes; 0 until the image is {@link ImageStatus#ACTIVE}
 * @param sha256 lower-case hex SHA-256 of the stored bytes, present once the image is {@link ImageStatus#ACTIVE}
 * @param copiedFrom the source image when this image was made by a copy job
 * @param os the operating system the owner declared, if any
 * @param virtualSizeBytes size of the virtual disk the image holds, read from its bytes at upload, if known
 * @param officialTemplate for an image derived from an official image, the catalog id of that official template
 * @param savedAt when the image's data was complete and it became {@link ImageStatus#ACTIVE}; billing starts then
 */
public record Image(
        ImageId id,
        TenantId owner,
        RegionId region,
        Plan plan,
        DiskFormat format,
        String name,
        SortedSet<String> tags,
        int minDiskGb,
        int minMemoryMb,
        boolean deletionProtected,
        Origin origin,
        LicenseType licenseType,
        ImageStatus status,
        long sizeBytes,
        Optional<String> sha256,
        Optional<ImageId> copiedFrom,
        Optional<OperatingSystem> os,
        OptionalLong virtualSizeBytes,
        Optional<String> officialTemplate,
        Optional<Instant> savedAt,
        Instant createdAt,
        Instant updatedAt) {

    public Image {
        requireNonNull(id, "id");
        requireNonNull(owner, "owner");
        requireNonNull(region, "region");
        requireNonNull(plan, "plan");
        requireNonNull(format, "format");
        requireNonNull(name, "name");
        requireNonNull(origin, "origin");
        requireNonNull(licenseType, "licenseType");
        requireNonNull(status, "status");
        requireNonNull(sha256, "sha256");
        requireNonNull(copiedFrom, "copiedFrom");
        requireNonNull(os, "os");
        requireNonNull(virtualSizeBytes, "virtualSizeBytes");
        officialTemplate = officialTemplate == null ? Optional.empty() : officialTemplate;
        savedAt = savedAt == null ? Optional.empty() : savedAt;
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
        tags = tags == null ? new TreeSet<>() : new TreeSet<>(tags);
        tags = java.util.Collections.unmodifiableSortedSet(tags);
        if (minDiskGb < 0) {
            throw new IllegalArgumentException("invalid minimum disk " + minDiskGb + " GB: must be 0 or more");
        }
        if (minMemoryMb < 0) {
            throw new IllegalArgumentException("invalid minimum memory " + minMemoryMb + " MB: must be 0 or more");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("invalid size " + sizeBytes + " bytes: must be 0 or more");
        }
    }

    /** Returns a new {@link ImageStatus#QUEUED} image of {@code owner} with the properties of {@code request}. */
    public static Image registered(ImageId id, Tenant owner, RegisterRequest request, Instant at) {
        return new Image(id, owner.id(), owner.region(), request.plan(), request.format(), request.name(),
                request.tags(), request.minDiskGb(), request.minMemoryMb(), request.deletionProtected(),
                request.origin(), request.licenseType(), ImageStatus.QUEUED, 0, Optional.empty(), Optional.empty(),
                request.os(), OptionalLong.empty(), request.officialTemplate(), Optional.empty(), at, at);
    }

    public boolean isActive() {
        return status == ImageStatus.ACTIVE;
    }

    public Image withStatus(ImageStatus newStatus, Instant at) {
        return new Image(id, owner, region, plan, format, name, tags, minDiskGb, minMemoryMb, deletionProtected,
                origin, licenseType, newStatus, sizeBytes, sha256, copiedFrom, os, virtualSizeBytes,
                officialTemplate, savedAt, createdAt, at);
    }

    /** Returns this image as {@link ImageStatus#ACTIVE} with the size and checksum of its stored bytes. */
    public Image withData(long size, String sha256Hex, Instant at) {
        return new Image(id, owner, region, plan, format, name, tags, minDiskGb, minMemoryMb, deletionProtected,
                origin, licenseType, ImageStatus.ACTIVE, size, Optional.of(sha256Hex), copiedFrom, os,
                virtualSizeBytes, officialTemplate, Optional.of(at), createdAt, at);
    }

    /** Returns this image with the virtual disk size read from its bytes. */
    public Image withVirtualSize(long bytes, Instant at) {
        return new Image(id, owner, region, plan, format, name, tags, minDiskGb, minMemoryMb, deletionProtected,
                origin, licenseType, status, sizeBytes, sha256, copiedFrom, os, OptionalLong.of(bytes),
                officialTemplate, savedAt, createdAt, at);
    }

    public Image withDeletionProtection(boolean enabled, Instant at) {
        return new Image(id, owner, region, plan, format, name, tags, minDiskGb, minMemoryMb, enabled,
                origin, licenseType, status, sizeBytes, sha256, copiedFrom, os, virtualSizeBytes,
                officialTemplate, savedAt, createdAt, at);
    }

    /** Returns a new {@link ImageStatus#QUEUED} image in {@code destination} with this image's properties and origin. */
    public Image copyTo(ImageId newId, Tenant destination, Instant at) {
        return new Image(newId, destination.id(), destination.region(), plan, format, name, tags, minDiskGb,
                minMemoryMb, false, origin, licenseType, ImageStatus.QUEUED, 0, Optional.empty(), Optional.of(id),
                os, virtualSizeBytes, officialTemplate, Optional.empty(), at, at);
    }
}
