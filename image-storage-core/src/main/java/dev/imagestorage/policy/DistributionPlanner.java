package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the shortest sequence of copy and share steps the rules allow for a target tenant to use an image.
 *
 * <p>A member can neither copy nor share an image it was shared, so every route is a chain of copies inside the
 * source's contract followed by at most one share; and because a copy reaches any tenant of the contract directly,
 * no route needs more than one copy. The planner therefore tries, in this order: a share from the owner, a copy to
 * the target, and a copy to an intermediate tenant in the target's region followed by a share. A target that is a
 * pending or rejected member already gets a single step: it accepts. Each step is decided
 * by the policy engine; a share is preferred to a copy of the same length because it moves no data. A share step
 * counts only when the engine would also let the target accept it, so a suspended target gets no share.
 */
public final class DistributionPlanner {
    private final PolicyEngine engine;

    public DistributionPlanner(PolicyEngine engine) {
        this.engine = requireNonNull(engine, "engine");
    }

    /**
     * Plans the distribution of {@code source} to {@code target}.
     *
     * @param owner the tenant that owns {@code source}
     * @param candidates tenants that may hold an intermediate copy; tenants of other contracts than the owner's are
     *     ignored
     * @param usageOf the current image counts of a tenant
     * @param targetMembership the target's membership in {@code source}, if it has one
     * @param now the time stamped on the hypothetical copies the planner reasons about
     */
    public DistributionPlan plan(
            Caller caller, Image source, Tenant owner, Tenant target, List<Tenant> candidates,
            Function<Tenant, TenantUsage> usageOf, Optional<Membership> targetMembership, Instant now) {
        ImageId image = source.id();
        Caller asTarget = new Caller(target.id(), java.util.Set.of());
        // A member can not use the image while its owner is suspended, though the owner itself still can.
        boolean usable = target.id().equals(owner.id()) || owner.isActive();
        if (usable && PolicyEngine.isVisible(asTarget, source, targetMembership)) {
            return new DistributionPlan(image, target.id(), List.of(), allowed(image, target));
        }

        List<Reason> failures = new ArrayList<>();
        if (targetMembership.isPresent() && targetMembership.get().status() != MembershipStatus.ACCEPTED) {
            // A PENDING or REJECTED member only needs to accept the membership it has.
            Decision accept = engine.answer(asTarget, target, source, target.id(), MembershipStatus.ACCEPTED,
                    targetMembership);
            if (accept.isAllowed() && owner.isActive() && source.isActive()) {
                return plan(image, target, List.of(new DistributionStep(DistributionStep.Kind.ACCEPT, target.id(),
                        owner.id(), target.id(), false, accept)));
            }
            collect("accept the existing membership as tenant " + target.id(), accept, failures);
        }
        // Every share ends with the target accepting, which only its own standing decides, so decide it once.
        Decision acceptance = engine.answer(asTarget, target, source, target.id(), MembershipStatus.ACCEPTED,
                Optional.of(new Membership(image, target.id(), MembershipStatus.PENDING, now, now)));
        collect("accept as tenant " + target.id(), acceptance, failures);
        Decision share = engine.addMember(caller, source, owner, target, targetMembership);
        if (share.isAllowed() && acceptance.isAllowed()) {
            return plan(image, target, List.of(shareStep(caller, owner, target, share)));
        }
        collect("share from tenant " + owner.id(), share, failures);

        CopyRequest direct = copyRequest(image, owner, target);
        Decision copy = engine.copy(caller, source, owner, target, direct, usageOf.apply(target));
        if (copy.isAllowed()) {
            return plan(image, target, List.of(copyStep(caller, owner, target, direct, copy)));
        }
        collect("copy to tenant " + target.id(), copy, failures);

        List<Tenant> intermediates = candidates.stream()
                .filter(t -> t.contract().equals(owner.contract()) && t.region().equals(target.region()))
                .filter(t -> !t.id().equals(owner.id()) && !t.id().equals(target.id()))
                .sorted(Comparator.comparing(Tenant::id))
                .toList();
        for (Tenant intermediate : intermediates) {
            CopyRequest toIntermediate = copyRequest(image, owner, intermediate);
            Decision first = engine.copy(caller, source, owner, intermediate, toIntermediate,
                    usageOf.apply(intermediate));
            if (first.isDenied()) {
                collect("copy to tenant " + intermediate.id(), first, failures);
                continue;
            }
            Image copied = hypotheticalCopy(source, intermediate, now);
            Caller asIntermediate = new Caller(intermediate.id(), caller.accessibleTenants());
            Decision second = engine.addMember(asIntermediate, copied, intermediate, target, Optional.empty());
            if (second.isAllowed() && acceptance.isAllowed()) {
                return plan(image, target, List.of(
                        copyStep(caller, owner, intermediate, toIntermediate, first),
                        shareStep(asIntermediate, intermediate, target, second)));
            }
            collect("share from tenant " + intermediate.id(), second, failures);
        }

        failures.add(Reason.deny(ReasonCode.DISTRIBUTION_NO_ROUTE, "no sequence of copies and shares reaches"
                + " tenant " + target.id() + ": it needs a share from a tenant of contract " + owner.contract()
                + " in region " + target.region() + " that can receive a copy, and "
                + (intermediates.isEmpty()
                        ? "no candidate tenant of contract " + owner.contract() + " other than the owner and the"
                                + " target is in region " + target.region()
                        : "none of " + intermediates.stream().map(Tenant::id).toList() + " could")));
        Evaluation evaluation = new Evaluation();
        evaluation.check(Rule.DISTRIBUTION_ROUTE);
        for (Reason failure : failures) {
            if (failure.severity() == Severity.DENY) {
                evaluation.deny(failure.code(), failure.message());
            }
        }
        Decision denied = evaluation.decide(Operation.DISTRIBUTE, () -> subject(image, target));
        return new DistributionPlan(image, target.id(), List.of(), denied);
    }

    private static DistributionPlan plan(ImageId image, Tenant target, List<DistributionStep> steps) {
        return new DistributionPlan(image, target.id(), steps, allowed(image, target));
    }

    private static Decision allowed(ImageId image, Tenant target) {
        Evaluation evaluation = new Evaluation();
        evaluation.check(Rule.DISTRIBUTION_ROUTE);
        return evaluation.decide(Operation.DISTRIBUTE, () -> subject(image, target));
    }

    private static String subject(ImageId image, Tenant target) {
        return "distribute image " + image + " to tenant " + target.id();
    }

    private static CopyRequest copyRequest(ImageId image, Tenant from, Tenant to) {
        CopyRequest request = CopyRequest.of(image, to.id());
        return from.region().equals(to.region()) ? request : request.acknowledgingDataTransfer();
    }

    private static DistributionStep copyStep(
            Caller caller, Tenant from, Tenant to, CopyRequest request, Decision decision) {
        return new DistributionStep(DistributionStep.Kind.COPY, caller.actingTenant(), from.id(), to.id(),
                request.dataTransferAcknowledged(), decision);
    }

    private static DistributionStep shareStep(Caller caller, Tenant from, Tenant to, Decision decision) {
        return new DistributionStep(DistributionStep.Kind.SHARE, caller.actingTenant(), from.id(), to.id(), false,
                decision);
    }

    private static Image hypotheticalCopy(Image source, Tenant destination, Instant now) {
        Image copy = source.copyTo(ImageId.random(), destination, now);
        return copy.withData(source.sizeBytes(), source.sha256().orElse("0".repeat(64)), now);
    }

    private static void collect(String attempt, Decision decision, List<Reason> failures) {
        for (Reason reason : decision.denials()) {
            failures.add(Reason.deny(reason.code(), attempt + ": " + reason.message()));
        }
    }
}
