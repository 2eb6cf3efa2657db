package dev.imagestorage.catalog;

/**
 * The numeric limits of the service. Sizes are in bytes; a GB in this SDK is 2^30 bytes.
 *
 * @param maxImageSizeBytes largest image, template or ISO, that can be stored
 * @param maxImagesPerPlanPerTenant how many images of one plan a tenant may hold; images count until they are deleted
 * @param maxCopySizeBytes largest image that can be copied
 * @param maxPortalUploadBytes largest upload through the customer portal; larger uploads must use the API
 */
public record Limits(
        long maxImageSizeBytes, int maxImagesPerPlanPerTenant, long maxCopySizeBytes, long maxPortalUploadBytes) {

    /** Bytes in one GB. */
    public static final long GB = 1L << 30;

    public Limits {
        requirePositive("maxImageSizeBytes", maxImageSizeBytes);
        requirePositive("maxImagesPerPlanPerTenant", maxImagesPerPlanPerTenant);
        requirePositive("maxCopySizeBytes", maxCopySizeBytes);
        requirePositive("maxPortalUploadBytes", maxPortalUploadBytes);
    }

    /** 4,096 GB per image, 256 images per plan per tenant, 300 GB per copy, 10 GB per portal upload. */
    public static Limits defaults() {
        return new Limits(4096 * GB, 256, 300 * GB, 10 * GB);
    }

    public Limits withMaxImageSizeBytes(long value) {
        return new Limits(value, maxImagesPerPlanPerTenant, maxCopySizeBytes, maxPortalUploadBytes);
    }

    public Limits withMaxImagesPerPlanPerTenant(int value) {
        return new Limits(maxImageSizeBytes, value, maxCopySizeBytes, maxPortalUploadBytes);
    }

    public Limits withMaxCopySizeBytes(long value) {
        return new Limits(maxImageSizeBytes, maxImagesPerPlanPerTenant, value, maxPortalUploadBytes);
    }

    public Limits withMaxPortalUploadBytes(long value) {
        return new Limits(maxImageSizeBytes, maxImagesPerPlanPerTenant, maxCopySizeBytes, value);
    }

    /** Renders a byte count as GB when it is a whole number of GB, and as bytes otherwise. */
    public static String describeSize(long bytes) {
        if (bytes % GB == 0) {
            return String.format(java.util.Locale.ROOT, "%,d GB", bytes / GB);
        }
        return String.format(java.util.Locale.ROOT, "%,d bytes", bytes);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("invalid limit " + name + " = " + value + ": it must be greater than 0");
        }
    }
}
