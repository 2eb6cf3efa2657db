package dev.imagestorage.model;

/**
 * Identifier of a contract, the commercial agreement that owns tenants.
 *
 * <p>Valid values have 1 to 64 ASCII letters, digits, '-' and '_', and start with a letter or digit.
 */
public record ContractId(String value) implements Comparable<ContractId> {
    public ContractId {
        value = Identifiers.check("contract id", value);
    }

    /** Parses {@code value}; throws {@link IllegalArgumentException} naming the value when it is not a valid id. */
    public static ContractId of(String value) {
        return new ContractId(value);
    }

    @Override
    public int compareTo(ContractId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
