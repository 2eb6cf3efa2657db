package dev.imagestorage.policy;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.Tenant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Builds images for policy tests. Unless a setter changes it, an image is ACTIVE, private, 1 MiB, unprotected, with
 * license type NONE, no declared operating system, no minimums and no virtual size.
 */
final class ImageBuilder {
    private final Tenant owner;
    private final Plan plan;
    private final DiskFormat format;
    private Origin origin = Origin.PRIVATE;
    private LicenseType licenseType = LicenseType.NONE;
    private ImageStatus status = ImageStatus.ACTIVE;
    private long sizeBytes = 1 << 20;
    private int minDiskGb;
    private int minMemoryMb;
    private boolean deletionProtected;
    private Optional<OperatingSystem> os = Optional.empty();
    private Optional<String> officialTemplate = Optional.empty();

    private ImageBuilder(Tenant owner, Plan plan, DiskFormat format) {
        this.owner = owner;
        this.plan = plan;
        this.format = format;
    }

    static ImageBuilder template(Tenant owner) {
        return new ImageBuilder(owner, Plan.TEMPLATE, DiskFormat.QCOW2);
    }

    static ImageBuilder template(Tenant owner, DiskFormat format) {
        return new ImageBuilder(owner, Plan.TEMPLATE, format);
    }

    static ImageBuilder iso(Tenant owner) {
        return new ImageBuilder(owner, Plan.ISO, DiskFormat.ISO);
    }

    /** Starts an image of {@code format}, in the plan that accepts that format. */
    static ImageBuilder of(Tenant owner, DiskFormat format) {
        return new ImageBuilder(owner, format == DiskFormat.ISO ? Plan.ISO : Plan.TEMPLATE, format);
    }

    ImageBuilder origin(Origin value) {
        this.origin = value;
        return this;
    }

    /** Marks the image as derived from the official template with catalog id {@code templateId}. */
    ImageBuilder derivedFrom(String templateId) {
        this.origin = Origin.DERIVED_FROM_OFFICIAL;
        this.officialTemplate = Optional.of(templateId);
        return this;
    }

    ImageBuilder licenseType(LicenseType value) {
        this.licenseType = value;
        return this;
    }

    ImageBuilder status(ImageStatus value) {
        this.status = value;
        return this;
    }

    ImageBuilder sizeBytes(long value) {
        this.sizeBytes = value;
        return this;
    }

    ImageBuilder minDiskGb(int value) {
        this.minDiskGb = value;
        return this;
    }

    ImageBuilder minMemoryMb(int value) {
        this.minMemoryMb = value;
        return this;
    }

    ImageBuilder deletionProtected(boolean value) {
        this.deletionProtected = value;
        return this;
    }

    ImageBuilder os(OperatingSystem value) {
        this.os = Optional.of(value);
        return this;
    }

    Image build() {
        boolean active = status == ImageStatus.ACTIVE;
        return new Image(ImageId.random(), owner.id(), owner.region(), plan, format, "image-1", new TreeSet<>(),
                minDiskGb, minMemoryMb, deletionProtected, origin, licenseType, status, active ? sizeBytes : 0,
                active ? Optional.of("0".repeat(64)) : Optional.empty(), Optional.empty(), os, OptionalLong.empty(),
                officialTemplate, active ? Optional.of(PolicyFixtures.NOW) : Optional.empty(), PolicyFixtures.NOW,
                PolicyFixtures.NOW);
    }
}
