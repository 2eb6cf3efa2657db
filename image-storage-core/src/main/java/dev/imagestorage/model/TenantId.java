package dev.imagestorage.model;

/**
 * Identifier of a tenant, the unit of isolation and billing.
 *
 * <p>Valid values have 1 to 64 ASCII letters, digits, '-' and '_', and start with a letter or digit.
 */
public record TenantId(String value) implements Comparable<TenantId> {
    public TenantId {
        value = Identifiers.check("tenant id", value);
    }

    /** Parses {@code value}; throws {@link IllegalArgumentException} naming the value when it is not a valid id. */
    public static TenantId of(String value) {
        return new TenantId(value);
    }

    @Override
    public int compareTo(TenantId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
