package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A record of who declared which license type and operating system for an image, and when. A false declaration can
 * lead to suspension, so every declaration is kept, also after the image is deleted.
 */
public record LicenseDeclaration(
        ImageId image, TenantId tenant, TenantId declaredBy, LicenseType licenseType, Optional<OperatingSystem> os,
        Instant declaredAt) {
    public LicenseDeclaration {
        requireNonNull(image, "image");
        requireNonNull(tenant, "tenant");
        requireNonNull(declaredBy, "declaredBy");
        requireNonNull(licenseType, "licenseType");
        requireNonNull(os, "os");
        requireNonNull(declaredAt, "declaredAt");
    }
}
