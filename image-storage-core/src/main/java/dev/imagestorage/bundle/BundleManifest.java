package dev.imagestorage.bundle;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The {@code manifest.json} entry of an image bundle: the properties of the image and the size and SHA-256 of its
 * disk entry. Every field name is fixed by the bundle format, whose version is {@link #bundleVersion()}.
 *
 * @param bundleVersion version of the bundle format, {@value #CURRENT_VERSION} for this SDK
 * @param format lower-case disk format of the disk entry: {@code raw}, {@code qcow2} or {@code iso}
 * @param minDiskGb minimum disk in GB; 0 means no minimum
 * @param minMemoryMb minimum memory in MB; 0 means no minimum
 * @param os the operating system the owner declared, if any
 * @param sizeBytes size of the disk entry in bytes
 * @param sha256 lower-case hex SHA-256 of the disk entry
 */
public record BundleManifest(
        int bundleVersion,
        String name,
        Plan plan,
        String format,
        int minDiskGb,
        int minMemoryMb,
        List<String> tags,
        LicenseType licenseType,
        Optional<OperatingSystem> os,
        long sizeBytes,
        String sha256) {

    /** The bundle format version that this SDK writes and reads. */
    public static final int CURRENT_VERSION = 1;

    public BundleManifest {
        // A manifest without these fields means no tags and no operating system.
        os = os == null ? Optional.empty() : os;
        tags = tags == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tags));
    }

    /** Returns the manifest of an {@code ACTIVE} image. */
    static BundleManifest of(Image image) {
        String sha256 = image.sha256().orElseThrow(() -> new IllegalArgumentException(
                "image " + image.id() + " has no SHA-256 because it is " + image.status() + ", not ACTIVE"));
        return new BundleManifest(CURRENT_VERSION, image.name(), image.plan(), image.format().label(),
                image.minDiskGb(), image.minMemoryMb(), List.copyOf(image.tags()), image.licenseType(), image.os(),
                image.sizeBytes(), sha256);
    }

    /** Returns the disk format that {@link #format()} names. */
    DiskFormat diskFormat() {
        return DiskFormat.parse(format);
    }

    /** Returns the name of the disk entry, such as {@code disk.qcow2}. */
    String diskEntryName() {
        return "disk." + format;
    }

    /**
     * Returns the registration of the imported image. Its origin is always {@link Origin#PRIVATE}, because a bundle
     * is not trusted to claim that an image is official.
     */
    RegisterRequest toRegisterRequest() {
        RegisterRequest.Builder request = RegisterRequest.of(plan, diskFormat(), name)
                .tags(tags)
                .minDiskGb(minDiskGb)
                .minMemoryMb(minMemoryMb)
                .licenseType(licenseType)
                .origin(Origin.PRIVATE)
                .declaredSizeBytes(sizeBytes);
        os.ifPresent(request::os);
        return request.build();
    }
}
