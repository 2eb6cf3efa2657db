package dev.imagestorage.service;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.TenantId;
import java.time.Instant;
import java.util.List;

/**
 * Who pays for image storage, per tenant and so per region. The owner tenant pays for the storage of its images
 * from the moment their data is saved; a member using a shared image pays nothing for its storage; a copy is billed
 * to its destination tenant from the moment it is saved.
 */
public record UsageReport(Instant generatedAt, List<Line> lines) {
    public UsageReport {
        requireNonNull(generatedAt, "generatedAt");
        lines = List.copyOf(lines);
    }

    /**
     * One tenant's storage.
     *
     * @param billedImages the images whose storage the tenant pays for: its own {@code ACTIVE} images
     * @param sharedImagesUsed the images of other tenants it accepted, whose storage it does not pay for
     */
    public record Line(
            TenantId tenant, ContractId contract, RegionId region, List<BilledImage> billedImages,
            List<ImageId> sharedImagesUsed) {
        public Line {
            requireNonNull(tenant, "tenant");
            requireNonNull(contract, "contract");
            requireNonNull(region, "region");
            billedImages = List.copyOf(billedImages);
            sharedImagesUsed = List.copyOf(sharedImagesUsed);
        }

        /** Bytes of storage billed to the tenant. */
        public long billedBytes() {
            return billedImages.stream().mapToLong(BilledImage::sizeBytes).sum();
        }

        /** Bytes of storage billed to the tenant for images of {@code plan}. */
        public long billedBytes(Plan plan) {
            return billedImages.stream().filter(i -> i.plan() == plan).mapToLong(BilledImage::sizeBytes).sum();
        }
    }

    /**
     * An image whose storage is billed.
     *
     * @param billedSince when its data was saved
     */
    public record BilledImage(ImageId image, Plan plan, long sizeBytes, Instant billedSince) {
        public BilledImage {
            requireNonNull(image, "image");
            requireNonNull(plan, "plan");
            requireNonNull(billedSince, "billedSince");
        }
    }
}
