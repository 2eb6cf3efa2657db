package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/** A commercial agreement; it owns any number of tenants. */
public record Contract(ContractId id) {
    public Contract {
        requireNonNull(id, "id");
    }

    public static Contract of(String id) {
        return new Contract(ContractId.of(id));
    }
}
