package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static dev.imagestorage.policy.PolicyGenerators.coin;
import static dev.imagestorage.policy.PolicyGenerators.pick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Distribution plans, replayed through the engine. A plan is either unreachable with its reasons, or each of its
 * steps is allowed when carried out in order on the images the previous steps made. After the last step the target
 * can use the image.
 */
class DistributionPlanProperties {
    private static final int EXAMPLES = 5000;

    /**
     * The planner's inputs. The candidates are the intermediates offered to the planner, and {@code usage} gives the
     * image counts of every tenant.
     */
    record PlanInput(
            Catalog catalog, List<Tenant> world, Tenant owner, Tenant target, Caller caller, Image image,
            List<Tenant> candidates, TenantUsage usage, Optional<Membership> targetMembership) {
        TenantUsage usageOf(Tenant tenant) {
            return new TenantUsage(tenant.id(), usage.templates(), usage.isoImages());
        }

        Tenant tenant(TenantId id) {
            return world.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
        }
    }

    /**
     * Planner inputs over the same values as the other policy properties. They are weighted towards targets other
     * than the owner, callers acting for the owner with broad access authority, ACTIVE images, tenants in good
     * standing, many candidates, few memberships and free quota, so that every shape of plan comes up.
     */
    private static Gen<PlanInput> inputs() {
        Gen<Catalog> catalogs = PolicyGenerators.catalogs();
        List<Standing> mostlyActive = new ArrayList<>(Collections.nCopies(8, Standing.ACTIVE));
        mostlyActive.add(Standing.SUSPENDED);
        mostlyActive.add(Standing.TERMINATED);
        Gen<List<Tenant>> worlds = PolicyGenerators.worlds(Generate.pick(mostlyActive));
        return in -> {
            List<Tenant> world = worlds.generate(in);
            Tenant owner = pick(in, world);
            List<Tenant> others = world.stream().filter(tenant -> !tenant.equals(owner)).toList();
            Tenant target = pick(in, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) == 1 ? owner : pick(in, others);
            Tenant actor = coin(in) || coin(in) ? owner : pick(in, world);
            Caller caller = coin(in)
                    ? new Caller(actor.id(), world.stream().map(Tenant::id).collect(Collectors.toSet()))
                    : PolicyGenerators.callers(actor, world).generate(in);

            Image image = PolicyGenerators.images(owner).generate(in);
            if (coin(in)) {
                image = image.withStatus(ImageStatus.ACTIVE, NOW);
            }
            boolean allCandidates = coin(in);
            List<Tenant> candidates = new ArrayList<>();
            for (Tenant tenant : world) {
                if (allCandidates || coin(in)) {
                    candidates.add(tenant);
                }
            }
            TenantUsage usage = coin(in) || coin(in)
                    ? TenantUsage.empty(target.id())
                    : PolicyGenerators.usages(target.id()).generate(in);

            Optional<Membership> membership = coin(in)
                    ? Optional.empty()
                    : PolicyGenerators.memberships(image, target).generate(in);

            return new PlanInput(catalogs.generate(in), world, owner, target, caller, image, candidates, usage,
                    membership);
        };
    }

    /** Builds a request for a resource the image can create whatever its minimums, operating system and plan. */
    private static LaunchRequest launchRequestFor(Image image) {
        return image.plan() == Plan.ISO
                ? LaunchRequest.fromIso(ResourceType.BAREMETAL_SERVER, IsoPurpose.OS_INSTALLER, 100_000, 1 << 20)
                : LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 100_000, 1 << 20);
    }

    @Test
    void planIsUnreachableOrReplays() {
        Map<String, Integer> shapes = new ConcurrentHashMap<>();

        qt().withExamples(EXAMPLES).forAll(inputs()).checkAssert(input -> {
            PolicyEngine engine = PolicyScenario.engine(input.catalog());

            DistributionPlan plan = new DistributionPlanner(engine).plan(input.caller(), input.image(), input.owner(),
                    input.target(), input.candidates(), input::usageOf, input.targetMembership(), NOW);

            if (!plan.isReachable()) {
                shapes.merge("unreachable", 1, Integer::sum);
                assertThat(plan.steps()).isEmpty();
                assertThat(plan.decision().denials()).as(plan::toString).isNotEmpty();
                assertThat(plan.decision().codes()).as(plan::toString).last()
                        .isEqualTo(ReasonCode.DISTRIBUTION_NO_ROUTE);
                return;
            }
            shapes.merge(plan.steps().stream().map(step -> step.kind().name()).toList().toString(), 1, Integer::sum);
            replay(engine, input, plan);
        });

        assertThat(shapes.keySet()).as("plan shapes seen").containsExactlyInAnyOrder("unreachable", "[]", "[SHARE]",
                "[COPY]", "[COPY, SHARE]", "[ACCEPT]");
    }

    /**
     * Carries out the steps of {@code plan} through the engine, on hypothetical copies built as the planner builds
     * them. Checks that each step is allowed and that the target can use the image at the end.
     */
    private static void replay(PolicyEngine engine, PlanInput input, DistributionPlan plan) {
        Tenant target = input.target();
        Image current = input.image();
        Tenant holder = input.owner();
        Optional<Membership> membership = input.targetMembership();

        for (DistributionStep step : plan.steps()) {
            assertThat(step.decision().isAllowed()).as(plan::toString).isTrue();
            assertThat(step.holder()).as(plan::toString).isEqualTo(holder.id());
            Tenant recipient = input.tenant(step.recipient());
            Caller acting = new Caller(step.actingTenant(), input.caller().accessibleTenants());

            if (step.kind() == DistributionStep.Kind.COPY) {
                CopyRequest request = CopyRequest.of(current.id(), recipient.id());
                if (step.dataTransferAcknowledged()) {
                    request = request.acknowledgingDataTransfer();
                }
                Decision copy = engine.copy(acting, current, holder, recipient, request, input.usageOf(recipient));
                assertThat(copy.isAllowed()).as(() -> plan + "\n" + copy).isTrue();

                current = current.copyTo(ImageId.random(), recipient, NOW)
                        .withData(current.sizeBytes(), current.sha256().orElseThrow(), NOW);
                holder = recipient;
                membership = Optional.empty();
            } else if (step.kind() == DistributionStep.Kind.ACCEPT) {
                Decision accept = engine.answer(Caller.of(recipient.id()), recipient, current, recipient.id(),
                        MembershipStatus.ACCEPTED, membership);
                assertThat(accept.isAllowed()).as(() -> plan + "\n" + accept).isTrue();
                membership = membership.map(m -> m.withStatus(MembershipStatus.ACCEPTED, NOW));
            } else {
                Decision share = engine.addMember(acting, current, holder, recipient, membership);
                assertThat(share.isAllowed()).as(() -> plan + "\n" + share).isTrue();

                Membership pending = new Membership(current.id(), recipient.id(), MembershipStatus.PENDING, NOW, NOW);
                Decision accept = engine.answer(Caller.of(recipient.id()), recipient, current, recipient.id(),
                        MembershipStatus.ACCEPTED, Optional.of(pending));
                assertThat(accept.isAllowed()).as(() -> plan + "\n" + accept).isTrue();
                membership = Optional.of(pending.withStatus(MembershipStatus.ACCEPTED, NOW));
            }
        }

        assertThat(PolicyEngine.isVisible(Caller.of(target.id()), current, membership)).as(plan::toString).isTrue();
        // Every step needs an ACTIVE image and tenants in good standing. So only an empty plan can leave the target
        // with a visible image that it can not launch from for now.
        boolean usable = current.isActive() && target.isActive() && holder.isActive();
        if (usable || !plan.steps().isEmpty()) {
            Decision launch = engine.launch(Caller.of(target.id()), target, current, holder, membership,
                    launchRequestFor(current));
            assertThat(launch.isAllowed()).as(() -> plan + "\n" + launch).isTrue();
        }
    }
}
