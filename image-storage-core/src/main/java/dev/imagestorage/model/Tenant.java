package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/**
 * The unit of isolation and billing: it belongs to exactly one contract and lives in exactly one region.
 *
 * @param standing the tenant's own standing. The service hands the policy engine tenants whose standing already
 *     includes their contract's, so a suspended contract suspends all of its tenants.
 */
public record Tenant(TenantId id, ContractId contract, RegionId region, Standing standing) {
    /** A missing standing, as in documents written before standings existed, reads as {@link Standing#ACTIVE}. */
    public Tenant {
        requireNonNull(id, "id");
        requireNonNull(contract, "contract");
        requireNonNull(region, "region");
        standing = standing == null ? Standing.ACTIVE : standing;
    }

    public Tenant(TenantId id, ContractId contract, RegionId region) {
        this(id, contract, region, Standing.ACTIVE);
    }

    /** Creates an active tenant. */
    public static Tenant of(String id, String contract, String region) {
        return new Tenant(TenantId.of(id), ContractId.of(contract), RegionId.of(region));
    }

    public Tenant withStanding(Standing value) {
        return new Tenant(id, contract, region, value);
    }

    public boolean isActive() {
        return standing == Standing.ACTIVE;
    }

    public boolean sameContract(Tenant other) {
        return contract.equals(other.contract);
    }

    public boolean sameRegion(Tenant other) {
        return region.equals(other.region);
    }
}
