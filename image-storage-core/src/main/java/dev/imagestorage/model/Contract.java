package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/** A commercial agreement; it owns any number of tenants. */
public record Contract(ContractId id, Standing standing) {
    /** A missing standing, as in documents written before standings existed, reads as {@link Standing#ACTIVE}. */
    public Contract {
        requireNonNull(id, "id");
        standing = standing == null ? Standing.ACTIVE : standing;
    }

    public Contract(ContractId id) {
        this(id, Standing.ACTIVE);
    }

    public static Contract of(String id) {
        return new Contract(ContractId.of(id));
    }

    public Contract withStanding(Standing value) {
        return new Contract(id, value);
    }
}
