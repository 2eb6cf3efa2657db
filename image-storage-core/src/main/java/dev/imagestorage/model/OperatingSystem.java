package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/**
 * The operating system an image carries, as declared by its owner.
 *
 * @param product the product name as the catalog lists it, such as "Windows Server 2012 R2 Standard"
 * @param servicePack the service pack level, 0 when there is none
 * @param bits the word size, 32 or 64
 */
public record OperatingSystem(OsFamily family, String product, int servicePack, int bits) {
    public OperatingSystem {
        requireNonNull(family, "family");
        requireNonNull(product, "product");
        if (product.isBlank()) {
            throw new IllegalArgumentException("invalid operating system: the product name is blank");
        }
        if (servicePack < 0) {
            throw new IllegalArgumentException(
                    "invalid service pack " + servicePack + " for " + product + ": it must be 0 or more");
        }
        if (bits != 32 && bits != 64) {
            throw new IllegalArgumentException("invalid word size " + bits + " for " + product + ": use 32 or 64");
        }
    }

    /** A 64-bit operating system without a service pack. */
    public static OperatingSystem of(OsFamily family, String product) {
        return new OperatingSystem(family, product, 0, 64);
    }

    public OperatingSystem withServicePack(int level) {
        return new OperatingSystem(family, product, level, bits);
    }
}
