package dev.imagestorage.model;

/**
 * Identifier of a region, such as {@code JP1}; the catalog lists the regions that exist.
 *
 * <p>Valid values have 1 to 64 ASCII letters, digits, '-' and '_', and start with a letter or digit.
 */
public record RegionId(String value) implements Comparable<RegionId> {
    public RegionId {
        value = Identifiers.check("region id", value);
    }

    /** Parses {@code value}; throws {@link IllegalArgumentException} naming the value when it is not a valid id. */
    public static RegionId of(String value) {
        return new RegionId(value);
    }

    @Override
    public int compareTo(RegionId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
