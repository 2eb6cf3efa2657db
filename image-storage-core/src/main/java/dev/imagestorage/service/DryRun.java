package dev.imagestorage.service;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;
import java.util.List;
import java.util.Optional;

/**
 * What an operation would do, computed without doing it.
 *
 * @param changes the state changes the operation would make, one sentence each; empty when it is denied
 * @param quota how the operation would change a tenant's image count, if it changes one
 * @param payer the tenant that would pay for the storage or resource the operation creates, if it creates one
 * @param bytesMoved bytes the operation would read or write
 * @param fromRegion the region the bytes would come from, when bytes move
 * @param toRegion the region the bytes would go to, when bytes move within the service
 */
public record DryRun(
        Decision decision, List<String> changes, Optional<QuotaChange> quota, Optional<TenantId> payer,
        long bytesMoved, Optional<RegionId> fromRegion, Optional<RegionId> toRegion) {

    public DryRun {
        requireNonNull(decision, "decision");
        requireNonNull(quota, "quota");
        requireNonNull(payer, "payer");
        requireNonNull(fromRegion, "fromRegion");
        requireNonNull(toRegion, "toRegion");
        changes = List.copyOf(changes);
    }

    /**
     * A change of one tenant's image count for one plan.
     *
     * @param limit the catalog's limit for that count
     */
    public record QuotaChange(TenantId tenant, Plan plan, int before, int after, int limit) {
        public QuotaChange {
            requireNonNull(tenant, "tenant");
            requireNonNull(plan, "plan");
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(decision.toString());
        for (String change : changes) {
            out.append(System.lineSeparator()).append("  would: ").append(change);
        }
        quota.ifPresent(q -> out.append(System.lineSeparator()).append("  quota of tenant ").append(q.tenant())
                .append(" for ").append(q.plan()).append(": ").append(q.before()).append(" -> ").append(q.after())
                .append(" of ").append(q.limit()));
        payer.ifPresent(p -> out.append(System.lineSeparator()).append("  paid by tenant ").append(p));
        if (bytesMoved > 0) {
            out.append(System.lineSeparator()).append("  bytes moved: ").append(bytesMoved)
                    .append(fromRegion.map(r -> " from " + r).orElse(""))
                    .append(toRegion.map(r -> " to " + r).orElse(""));
        }
        return out.toString();
    }
}
