package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP2;
import static dev.imagestorage.policy.PolicyFixtures.B_JP1;
import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.model.UploadChannel;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The effect of a tenant's standing. A suspended or terminated tenant can not register, upload, share, accept, copy,
 * launch from, attach or download images. It can still delete images, remove members, reject shares and detach ISO
 * images. Members of a suspended owner's images lose access until the suspension is lifted.
 */
class StandingTest {
    private final PolicyEngine engine = new PolicyEngine(PolicyFixtures.catalog());
    private final Caller ownerCaller = Caller.of(A_JP1.id(), A_JP2.id());
    private final Caller memberCaller = Caller.of(B_JP1.id());

    private static ReasonCode codeFor(Standing standing) {
        return standing == Standing.SUSPENDED ? ReasonCode.TENANT_SUSPENDED : ReasonCode.TENANT_TERMINATED;
    }

    private static void assertDeniedFor(Decision decision, Standing standing) {
        assertThat(decision.codes()).as(decision.toString()).containsExactly(codeFor(standing));
        String message = decision.denials().get(0).message();
        if (standing == Standing.SUSPENDED) {
            assertThat(message).contains("tenant a-jp1 or its contract contract-a is suspended");
        } else {
            assertThat(message).contains("contract contract-a of tenant a-jp1 is terminated");
        }
    }

    private static Membership membership(Image image, MembershipStatus status) {
        return new Membership(image.id(), B_JP1.id(), status, NOW, NOW);
    }

    @Nested
    class DeniedOperations {
        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void register(Standing standing) {
            Decision decision = engine.register(ownerCaller, A_JP1.withStanding(standing),
                    RegisterRequest.template("image", DiskFormat.RAW).build(), TenantUsage.empty(A_JP1.id()));

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void capture(Standing standing) {
            Decision decision = engine.capture(ownerCaller, A_JP1.withStanding(standing), ResourceType.VIRTUAL_SERVER,
                    RegisterRequest.template("image", DiskFormat.RAW).build(), TenantUsage.empty(A_JP1.id()));

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void upload(Standing standing) {
            Image queued = ImageBuilder.template(A_JP1).status(ImageStatus.QUEUED).build();

            Decision decision = engine.upload(ownerCaller, A_JP1.withStanding(standing), queued, UploadChannel.API,
                    OptionalLong.empty());

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void addMember(Standing standing) {
            Image image = ImageBuilder.template(A_JP1).build();

            Decision decision = engine.addMember(ownerCaller, image, A_JP1.withStanding(standing), B_JP1,
                    Optional.empty());

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void accept(Standing standing) {
            Image image = ImageBuilder.template(B_JP1).build();
            Membership pending = new Membership(image.id(), A_JP1.id(), MembershipStatus.PENDING, NOW, NOW);

            Decision decision = engine.answer(ownerCaller, A_JP1.withStanding(standing), image, A_JP1.id(),
                    MembershipStatus.ACCEPTED, Optional.of(pending));

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void copy(Standing standing) {
            Image image = ImageBuilder.template(A_JP1).build();

            Decision decision = engine.copy(ownerCaller, image, A_JP1.withStanding(standing), A_JP2,
                    CopyRequest.of(image.id(), A_JP2.id()).acknowledgingDataTransfer(), TenantUsage.empty(A_JP2.id()));

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void launch(Standing standing) {
            Tenant owner = A_JP1.withStanding(standing);
            Image image = ImageBuilder.template(A_JP1).build();

            Decision decision = engine.launch(ownerCaller, owner, image, owner, Optional.empty(),
                    LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 10, 1024));

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void download(Standing standing) {
            Tenant owner = A_JP1.withStanding(standing);

            Decision decision = engine.download(ownerCaller, owner, ImageBuilder.template(A_JP1).build(), owner,
                    Optional.empty());

            assertDeniedFor(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void attachIso(Standing standing) {
            Tenant owner = A_JP1.withStanding(standing);

            Decision decision = engine.attachIso(ownerCaller, owner, ImageBuilder.iso(A_JP1).build(), owner,
                    Optional.empty(), ServerRef.baremetal("bm-1"), ServerPhase.RUNNING, List.of(), List.of());

            assertDeniedFor(decision, standing);
        }
    }

    /**
     * Operations still open to a suspended or terminated tenant. Deleting, removing members, detaching ISO images and
     * cancelling copies take no tenant, so the engine never denies them for standing.
     */
    @Nested
    class AllowedOperations {
        @Test
        void delete() {
            Decision decision = engine.delete(ownerCaller, ImageBuilder.template(A_JP1).build());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(decision.checks()).extracting(RuleCheck::rule).doesNotContain(Rule.CALLER_STANDING);
        }

        @Test
        void removeMember() {
            Image image = ImageBuilder.template(A_JP1).build();

            Decision decision = engine.removeMember(ownerCaller, image, B_JP1.id(),
                    Optional.of(membership(image, MembershipStatus.ACCEPTED)));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(decision.checks()).extracting(RuleCheck::rule).doesNotContain(Rule.CALLER_STANDING);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void reject(Standing standing) {
            Image image = ImageBuilder.template(A_JP1).build();

            Decision decision = engine.answer(memberCaller, B_JP1.withStanding(standing), image, B_JP1.id(),
                    MembershipStatus.REJECTED, Optional.of(membership(image, MembershipStatus.ACCEPTED)));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void detachIso() {
            Image iso = ImageBuilder.iso(A_JP1).build();
            ServerRef server = ServerRef.baremetal("bm-1");

            Decision decision = engine.detachIso(ownerCaller, iso, server, ServerPhase.RUNNING,
                    Optional.of(new IsoAttachment(iso.id(), server, A_JP1.id(), NOW)));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void cancelCopy() {
            CopyJob job = new CopyJob(JobId.random(), ImageId.random(), A_JP1.id(), ImageId.random(), A_JP2.id(),
                    A_JP1.id(), CopyJobStatus.RUNNING, 0, 10, Optional.empty(), NOW, NOW);

            assertThat(engine.cancelCopy(ownerCaller, job).outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class MembersOfInactiveOwner {
        private final Image template = ImageBuilder.template(A_JP1).build();
        private final Image iso = ImageBuilder.iso(A_JP1).build();

        private void assertOwnerInactive(Decision decision, Standing standing) {
            assertThat(decision.codes()).as(decision.toString()).containsExactly(ReasonCode.OWNER_SUSPENDED);
            assertThat(decision.denials().get(0).message())
                    .contains("tenant a-jp1, which owns image")
                    .contains("is " + standing)
                    .contains("members can not use its images for now");
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void memberCanNotDownload(Standing standing) {
            Decision decision = engine.download(memberCaller, B_JP1, template, A_JP1.withStanding(standing),
                    Optional.of(membership(template, MembershipStatus.ACCEPTED)));

            assertOwnerInactive(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void memberCanNotLaunch(Standing standing) {
            Decision decision = engine.launch(memberCaller, B_JP1, template, A_JP1.withStanding(standing),
                    Optional.of(membership(template, MembershipStatus.ACCEPTED)),
                    LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 10, 1024));

            assertOwnerInactive(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void memberCanNotAttach(Standing standing) {
            Decision decision = engine.attachIso(memberCaller, B_JP1, iso, A_JP1.withStanding(standing),
                    Optional.of(membership(iso, MembershipStatus.ACCEPTED)), ServerRef.baremetal("bm-1"),
                    ServerPhase.RUNNING, List.of(), List.of());

            assertOwnerInactive(decision, standing);
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void ownerGetsOwnStandingReason(Standing standing) {
            Tenant owner = A_JP1.withStanding(standing);

            Decision decision = engine.launch(ownerCaller, owner, iso, owner, Optional.empty(),
                    LaunchRequest.fromIso(ResourceType.BAREMETAL_SERVER, IsoPurpose.OS_INSTALLER, 10, 1024));

            assertDeniedFor(decision, standing);
            assertThat(decision.hasReason(ReasonCode.OWNER_SUSPENDED)).isFalse();
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void inactiveMemberOfActiveOwner(Standing standing) {
            Decision decision = engine.download(memberCaller, B_JP1.withStanding(standing), template, A_JP1,
                    Optional.of(membership(template, MembershipStatus.ACCEPTED)));

            assertThat(decision.codes()).containsExactly(codeFor(standing));
            assertThat(decision.denials().get(0).message()).contains("tenant b-jp1").contains("contract-b");
        }

        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void memberStandingWhenAdded(Standing standing) {
            Decision decision = engine.addMember(ownerCaller, template, A_JP1, B_JP1.withStanding(standing),
                    Optional.empty());

            if (standing == Standing.SUSPENDED) {
                assertThat(decision.outcome()).as(decision.toString()).isEqualTo(Decision.Outcome.ALLOWED);
            } else {
                assertThat(decision.codes()).containsExactly(ReasonCode.DESTINATION_NOT_ACTIVE);
                assertThat(decision.denials().get(0).message()).contains("tenant b-jp1 belongs to a terminated");
            }
        }
    }
}
