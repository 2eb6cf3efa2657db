package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/** The unit of isolation and billing: it belongs to exactly one contract and lives in exactly one region. */
public record Tenant(TenantId id, ContractId contract, RegionId region) {
    public Tenant {
        requireNonNull(id, "id");
        requireNonNull(contract, "contract");
        requireNonNull(region, "region");
    }

    public static Tenant of(String id, String contract, String region) {
        return new Tenant(TenantId.of(id), ContractId.of(contract), RegionId.of(region));
    }

    public boolean sameContract(Tenant other) {
        return contract.equals(other.contract);
    }

    public boolean sameRegion(Tenant other) {
        return region.equals(other.region);
    }
}
