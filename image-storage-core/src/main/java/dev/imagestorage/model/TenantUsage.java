package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/**
 * How many images of each plan a tenant holds, the counter its per-plan quota is checked against. Every image
 * that is not {@link ImageStatus#DELETED} counts.
 */
public record TenantUsage(TenantId tenant, int templates, int isoImages) {
    public TenantUsage {
        requireNonNull(tenant, "tenant");
        if (templates < 0 || isoImages < 0) {
            throw new IllegalArgumentException("invalid usage of tenant " + tenant + ": templates " + templates
                    + " and ISO images " + isoImages + " must be 0 or more");
        }
    }

    public static TenantUsage empty(TenantId tenant) {
        return new TenantUsage(tenant, 0, 0);
    }

    public int count(Plan plan) {
        return plan == Plan.TEMPLATE ? templates : isoImages;
    }

    /** Returns this usage with the count of {@code plan} changed by {@code delta}, never below 0. */
    public TenantUsage add(Plan plan, int delta) {
        int updated = Math.max(0, count(plan) + delta);
        return plan == Plan.TEMPLATE
                ? new TenantUsage(tenant, updated, isoImages)
                : new TenantUsage(tenant, templates, updated);
    }
}
