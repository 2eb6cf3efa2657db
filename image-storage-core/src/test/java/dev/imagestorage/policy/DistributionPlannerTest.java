package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A2_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP2;
import static dev.imagestorage.policy.PolicyFixtures.B_JP1;
import static dev.imagestorage.policy.PolicyFixtures.B_JP2;
import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Distribution plans: a target that can use an image already, needs a share, a copy or both, or is unreachable. */
class DistributionPlannerTest {
    private static final Tenant A3_JP2 = Tenant.of("a3-jp2", "contract-a", "JP2");
    private static final Tenant C_JP2 = Tenant.of("c-jp2", "contract-c", "JP2");

    private final DistributionPlanner planner = new DistributionPlanner(new PolicyEngine(PolicyFixtures.catalog()));
    private final Image image = ImageBuilder.template(A_JP1).build();
    private final Caller withAuthority = Caller.of(A_JP1.id(), A2_JP1.id(), A_JP2.id(), A3_JP2.id());

    private DistributionPlan plan(Caller caller, Image source, Tenant target, List<Tenant> candidates,
            Optional<Membership> membership) {
        return planner.plan(caller, source, A_JP1, target, candidates, tenant -> TenantUsage.empty(tenant.id()),
                membership, NOW);
    }

    private DistributionPlan plan(Tenant target, List<Tenant> candidates) {
        return plan(withAuthority, image, target, candidates, Optional.empty());
    }

    private static void assertStep(DistributionStep step, DistributionStep.Kind kind, Tenant acting, Tenant holder,
            Tenant recipient, boolean acknowledged) {
        assertThat(step.kind()).isEqualTo(kind);
        assertThat(step.actingTenant()).isEqualTo(acting.id());
        assertThat(step.holder()).isEqualTo(holder.id());
        assertThat(step.recipient()).isEqualTo(recipient.id());
        assertThat(step.dataTransferAcknowledged()).isEqualTo(acknowledged);
        assertThat(step.decision().isAllowed()).as(step.decision().toString()).isTrue();
    }

    private static void assertUnreachable(DistributionPlan plan) {
        assertThat(plan.isReachable()).isFalse();
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.decision().operation()).isEqualTo(Operation.DISTRIBUTE);
        assertThat(plan.decision().codes()).last().isEqualTo(ReasonCode.DISTRIBUTION_NO_ROUTE);
    }

    private static String noRouteMessage(DistributionPlan plan) {
        return plan.decision().denials().stream().filter(r -> r.code() == ReasonCode.DISTRIBUTION_NO_ROUTE)
                .findFirst().orElseThrow().message();
    }

    @Test
    void ownerNeedsNoSteps() {
        DistributionPlan plan = plan(A_JP1, List.of());

        assertThat(plan.isReachable()).isTrue();
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.toString()).isEqualTo("tenant a-jp1 can use image " + image.id() + " already");
    }

    @Test
    void acceptedMemberNeedsNoSteps() {
        Membership accepted = new Membership(image.id(), B_JP1.id(), MembershipStatus.ACCEPTED, NOW, NOW);

        DistributionPlan plan = plan(withAuthority, image, B_JP1, List.of(), Optional.of(accepted));

        assertThat(plan.isReachable()).isTrue();
        assertThat(plan.steps()).isEmpty();
    }

    @Test
    void sameRegionOtherContractShares() {
        DistributionPlan plan = plan(B_JP1, List.of(A2_JP1, A_JP2));

        assertThat(plan.isReachable()).isTrue();
        assertThat(plan.steps()).hasSize(1);
        assertStep(plan.steps().get(0), DistributionStep.Kind.SHARE, A_JP1, A_JP1, B_JP1, false);
        assertThat(plan.toString()).endsWith("1. share from tenant a-jp1 with tenant b-jp1, which accepts");
    }

    @Test
    void sharePreferredToCopyInSameRegion() {
        DistributionPlan plan = plan(A2_JP1, List.of(A2_JP1));

        assertThat(plan.steps()).hasSize(1);
        assertStep(plan.steps().get(0), DistributionStep.Kind.SHARE, A_JP1, A_JP1, A2_JP1, false);
    }

    @Test
    void otherRegionSameContractCopies() {
        DistributionPlan plan = plan(A_JP2, List.of(A_JP2));

        assertThat(plan.steps()).hasSize(1);
        assertStep(plan.steps().get(0), DistributionStep.Kind.COPY, A_JP1, A_JP1, A_JP2, true);
        assertThat(plan.toString()).endsWith(
                "1. copy from tenant a-jp1 to tenant a-jp2 (acknowledging the transfer to another region)");
    }

    @Test
    void otherRegionOtherContractCopiesThenShares() {
        DistributionPlan plan = plan(B_JP2, List.of(A_JP1, A2_JP1, A_JP2));

        assertThat(plan.isReachable()).isTrue();
        assertThat(plan.steps()).hasSize(2);
        assertStep(plan.steps().get(0), DistributionStep.Kind.COPY, A_JP1, A_JP1, A_JP2, true);
        assertStep(plan.steps().get(1), DistributionStep.Kind.SHARE, A_JP2, A_JP2, B_JP2, false);
    }

    @Test
    void intermediatesTriedInIdOrder() {
        DistributionPlan plan = plan(B_JP2, List.of(A3_JP2, A_JP2));

        assertThat(plan.steps().get(0).recipient()).isEqualTo(A_JP2.id());
    }

    @Test
    void intermediateWithoutAuthoritySkipped() {
        Caller partial = Caller.of(A_JP1.id(), A3_JP2.id());

        DistributionPlan plan = plan(partial, image, B_JP2, List.of(A_JP2, A3_JP2), Optional.empty());

        assertThat(plan.steps()).hasSize(2);
        assertStep(plan.steps().get(0), DistributionStep.Kind.COPY, A_JP1, A_JP1, A3_JP2, true);
        assertStep(plan.steps().get(1), DistributionStep.Kind.SHARE, A3_JP2, A3_JP2, B_JP2, false);
    }

    @Test
    void noIntermediateTenantUnreachable() {
        DistributionPlan plan = plan(B_JP2, List.of(A_JP1, A2_JP1, C_JP2));

        assertUnreachable(plan);
        assertThat(plan.decision().codes()).contains(ReasonCode.SHARE_ACROSS_REGIONS,
                ReasonCode.COPY_ACROSS_CONTRACTS);
        assertThat(plan.decision().denials().get(0).message()).startsWith("share from tenant a-jp1: ");
        assertThat(noRouteMessage(plan))
                .contains("share from a tenant of contract contract-a in region JP2")
                .contains("no candidate tenant of contract contract-a other than the owner and the target is in"
                        + " region JP2");
    }

    @Test
    void intermediateWithoutAuthorityUnreachable() {
        DistributionPlan plan = plan(Caller.of(A_JP1.id()), image, B_JP2, List.of(A_JP2), Optional.empty());

        assertUnreachable(plan);
        assertThat(plan.decision().denials()).anySatisfy(reason -> {
            assertThat(reason.code()).isEqualTo(ReasonCode.COPY_NO_ACCESS_AUTHORITY);
            assertThat(reason.message()).startsWith("copy to tenant a-jp2: ").contains("no access authority");
        });
        assertThat(noRouteMessage(plan)).contains("none of [a-jp2] could");
    }

    @Test
    void terminatedTargetContractUnreachable() {
        Tenant terminated = B_JP2.withStanding(Standing.TERMINATED);

        DistributionPlan plan = plan(terminated, List.of(A_JP2));

        assertUnreachable(plan);
        assertThat(plan.decision().denials()).anySatisfy(reason -> {
            assertThat(reason.code()).isEqualTo(ReasonCode.DESTINATION_NOT_ACTIVE);
            assertThat(reason.message()).startsWith("share from tenant a-jp2: ").contains("terminated contract");
        });
    }

    @ParameterizedTest
    @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
    void inactiveTargetCanNotAcceptShare(Standing standing) {
        DistributionPlan plan = plan(B_JP1.withStanding(standing), List.of(A2_JP1));

        assertUnreachable(plan);
        assertThat(plan.decision().denials()).anySatisfy(reason -> {
            assertThat(reason.code()).isIn(ReasonCode.TENANT_SUSPENDED, ReasonCode.TENANT_TERMINATED);
            assertThat(reason.message()).startsWith("accept as tenant b-jp1: ");
        });
    }

    @Test
    void officialImageUnreachableInOtherRegion() {
        Image official = ImageBuilder.template(A_JP1).origin(Origin.OFFICIAL).build();

        DistributionPlan plan = plan(withAuthority, official, A_JP2, List.of(A_JP2, A3_JP2), Optional.empty());

        assertUnreachable(plan);
        assertThat(plan.decision().codes()).contains(ReasonCode.SHARE_ACROSS_REGIONS, ReasonCode.COPY_OFFICIAL);
        assertThat(plan.decision().denials()).anySatisfy(reason -> {
            assertThat(reason.code()).isEqualTo(ReasonCode.COPY_OFFICIAL);
            assertThat(reason.message()).startsWith("copy to tenant a3-jp2: ");
        });
        assertThat(plan.toString()).startsWith("denied: distribute image " + official.id() + " to tenant a-jp2");
    }

    @Test
    void suspendedOwnerUnreachable() {
        DistributionPlan plan = planner.plan(withAuthority, image, A_JP1.withStanding(Standing.SUSPENDED), B_JP1,
                List.of(A2_JP1), tenant -> TenantUsage.empty(tenant.id()), Optional.empty(), NOW);

        assertUnreachable(plan);
        assertThat(plan.decision().codes()).contains(ReasonCode.TENANT_SUSPENDED);
    }
}
