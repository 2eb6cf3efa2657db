package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.TreeSet;

/**
 * The party that performs an operation: the tenant an account acts for, and every tenant that account has access authority on.
 * The acting tenant is always among the accessible tenants.
 */
public record Caller(TenantId actingTenant, Set<TenantId> accessibleTenants) {
    public Caller {
        requireNonNull(actingTenant, "actingTenant");
        requireNonNull(accessibleTenants, "accessibleTenants");
        TreeSet<TenantId> all = new TreeSet<>(accessibleTenants);
        all.add(actingTenant);
        accessibleTenants = java.util.Collections.unmodifiableSet(all);
    }

    /** Creates a caller with access authority on its own tenant only. */
    public static Caller of(TenantId tenant) {
        return new Caller(tenant, Set.of());
    }

    /** Creates a caller acting for {@code tenant} with access authority on {@code others} as well. */
    public static Caller of(TenantId tenant, TenantId... others) {
        return new Caller(tenant, Set.copyOf(java.util.Arrays.asList(others)));
    }

    public boolean hasAccessTo(TenantId tenant) {
        return accessibleTenants.contains(tenant);
    }
}
