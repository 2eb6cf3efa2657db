package dev.imagestorage.service;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;

/**
 * The permission to create a resource from an image, and who is billed for it.
 *
 * @param billedTenant the tenant billed for the resource: the acting tenant, also when the image is shared with it
 * @param osLicense how the resource's operating system license is billed
 */
public record LaunchGrant(ImageId image, TenantId billedTenant, LicenseType osLicense, Decision decision) {
    public LaunchGrant {
        requireNonNull(image, "image");
        requireNonNull(billedTenant, "billedTenant");
        requireNonNull(osLicense, "osLicense");
        requireNonNull(decision, "decision");
    }
}
