package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.TenantId;
import java.util.List;

/**
 * The shortest sequence of copy and share steps that makes an image usable by a target tenant, or the reasons no
 * such sequence exists.
 *
 * @param steps the steps in order; empty when the target can use the image already or when it is unreachable
 * @param decision allowed when a route exists, denied with the reasons otherwise
 */
public record DistributionPlan(ImageId image, TenantId target, List<DistributionStep> steps, Decision decision) {
    public DistributionPlan {
        requireNonNull(image, "image");
        requireNonNull(target, "target");
        requireNonNull(decision, "decision");
        steps = List.copyOf(steps);
    }

    public boolean isReachable() {
        return decision.isAllowed();
    }

    @Override
    public String toString() {
        if (!isReachable()) {
            return decision.toString();
        }
        if (steps.isEmpty()) {
            return "tenant " + target + " can use image " + image + " already";
        }
        StringBuilder out = new StringBuilder("plan for tenant " + target + " to use image " + image + ":");
        for (int i = 0; i < steps.size(); i++) {
            out.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(steps.get(i));
        }
        return out.toString();
    }
}
