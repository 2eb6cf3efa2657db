package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.TenantId;

/**
 * One step of a distribution plan.
 *
 * @param actingTenant the tenant the caller acts for to perform the step
 * @param holder the tenant whose image the step starts from: the source's owner, or the tenant a previous step
 *     copied the image to
 * @param recipient the tenant that receives a copy or becomes a member
 * @param dataTransferAcknowledged whether the step is a copy to another region, which needs the caller's
 *     acknowledgement that customer data moves there
 * @param decision the engine's decision for the step, made when the plan was computed
 */
public record DistributionStep(
        Kind kind, TenantId actingTenant, TenantId holder, TenantId recipient, boolean dataTransferAcknowledged,
        Decision decision) {
    /** What a step does. */
    public enum Kind {
        /** The holder copies the image to the recipient, a tenant of the same contract. */
        COPY,
        /** The holder adds the recipient as a member, and the recipient accepts. */
        SHARE,
        /** The recipient, a member already, accepts its membership in the holder's image. */
        ACCEPT
    }

    public DistributionStep {
        requireNonNull(kind, "kind");
        requireNonNull(actingTenant, "actingTenant");
        requireNonNull(holder, "holder");
        requireNonNull(recipient, "recipient");
        requireNonNull(decision, "decision");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case COPY -> "copy from tenant " + holder + " to tenant " + recipient
                    + (dataTransferAcknowledged ? " (acknowledging the transfer to another region)" : "");
            case SHARE -> "share from tenant " + holder + " with tenant " + recipient + ", which accepts";
            case ACCEPT -> "tenant " + recipient + " accepts its membership in the image of tenant " + holder;
        };
    }
}
