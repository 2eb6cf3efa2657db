package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A2_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP2;
import static dev.imagestorage.policy.PolicyFixtures.B_JP1;
import static dev.imagestorage.policy.PolicyFixtures.B_JP2;
import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static dev.imagestorage.policy.PolicyFixtures.activeTemplate;
import static dev.imagestorage.policy.PolicyFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.model.UploadChannel;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyEngineTest {
    private final PolicyEngine engine = new PolicyEngine(PolicyFixtures.catalog());
    private final Caller ownerA = Caller.of(A_JP1.id());

    private Decision register(RegisterRequest request) {
        return engine.register(ownerA, A_JP1, request, TenantUsage.empty(A_JP1.id()));
    }

    @Nested
    class Register {
        @Test
        void validTemplateAllowed() {
            Decision decision = register(RegisterRequest.template("ubuntu-24.04", DiskFormat.QCOW2).build());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(decision.reasons()).isEmpty();
        }

        @Test
        void everyPrintableAsciiCharacterAllowed() {
            StringBuilder name = new StringBuilder();
            for (char c = '!'; c <= '~'; c++) {
                name.append(c);
            }

            assertThat(register(RegisterRequest.iso(name.toString()).build()).isAllowed()).isTrue();
        }

        @Test
        void nameOf255CharactersAllowed() {
            assertThat(register(RegisterRequest.iso("x".repeat(255)).build()).isAllowed()).isTrue();
        }

        @Test
        void emptyNameDenied() {
            Decision decision = register(RegisterRequest.iso("").build());

            assertThat(decision.codes()).containsExactly(ReasonCode.NAME_LENGTH);
        }

        @Test
        void nameOf256CharactersDenied() {
            Decision decision = register(RegisterRequest.iso("x".repeat(256)).build());

            assertThat(decision.codes()).containsExactly(ReasonCode.NAME_LENGTH);
            assertThat(decision.denials().get(0).message()).contains("256");
        }

        @Test
        void spaceInNameDeniedWithPosition() {
            Decision decision = register(RegisterRequest.iso("my image").build());

            assertThat(decision.codes()).containsExactly(ReasonCode.NAME_CHARACTER);
            assertThat(decision.denials().get(0).message())
                    .contains("name 'my image'")
                    .contains("a space (U+0020)")
                    .contains("position 3");
        }

        @Test
        void tabInNameDenied() {
            Decision decision = register(RegisterRequest.iso("a\tb").build());

            assertThat(decision.denials().get(0).message()).contains("a tab (U+0009)").contains("position 2");
        }

        @Test
        void nonAsciiLetterDenied() {
            Decision decision = register(RegisterRequest.iso("caf\u00e9").build());

            assertThat(decision.codes()).containsExactly(ReasonCode.NAME_CHARACTER);
            assertThat(decision.denials().get(0).message()).contains("U+00E9").contains("position 4");
        }

        @Test
        void emojiDeniedAtItsCharacterPosition() {
            Decision decision = register(RegisterRequest.iso("ok\uD83D\uDE00").build());

            assertThat(decision.codes()).containsExactly(ReasonCode.NAME_CHARACTER);
            assertThat(decision.denials().get(0).message()).contains("U+1F600").contains("position 3");
        }

        @Test
        void controlCharacterDenied() {
            Decision decision = register(RegisterRequest.iso("a\u0000b").build());

            assertThat(decision.denials().get(0).message()).contains("NUL").contains("\\u0000");
        }

        @Test
        void longNameWithSpaceGetsBothReasons() {
            Decision decision = register(RegisterRequest.iso(" ".repeat(300)).build());

            assertThat(decision.codes()).containsExactly(ReasonCode.NAME_LENGTH, ReasonCode.NAME_CHARACTER);
        }

        @ParameterizedTest
        @EnumSource(DiskFormat.class)
        void templateAcceptsRawAndQcow2Only(DiskFormat format) {
            Decision decision = register(RegisterRequest.of(Plan.TEMPLATE, format, "image").build());

            assertThat(decision.isAllowed()).isEqualTo(format != DiskFormat.ISO);
            if (decision.isDenied()) {
                assertThat(decision.codes()).containsExactly(ReasonCode.PLAN_FORMAT_MISMATCH);
            }
        }

        @ParameterizedTest
        @EnumSource(DiskFormat.class)
        void isoPlanAcceptsIsoOnly(DiskFormat format) {
            Decision decision = register(RegisterRequest.of(Plan.ISO, format, "image").build());

            assertThat(decision.isAllowed()).isEqualTo(format == DiskFormat.ISO);
            if (decision.isDenied()) {
                assertThat(decision.codes()).containsExactly(ReasonCode.PLAN_FORMAT_MISMATCH);
                assertThat(decision.denials().get(0).message()).contains(format.label()).contains("ISO");
            }
        }

        @Test
        void negativeMinimumsDenied() {
            Decision decision = register(
                    RegisterRequest.template("image", DiskFormat.RAW).minDiskGb(-1).minMemoryMb(-5).build());

            assertThat(decision.codes()).containsExactly(ReasonCode.MIN_DISK_NEGATIVE, ReasonCode.MIN_MEMORY_NEGATIVE);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"LICENSE_SWITCH", "PROVIDER_LICENSE_CONTINUED_USE"})
        void isoWithProviderLicenseDenied(LicenseType license) {
            Decision decision = register(RegisterRequest.iso("installer").licenseType(license).build());

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_NOT_FOR_ISO);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"NONE", "BYOL"})
        void isoWithOwnOrNoLicenseAllowed(LicenseType license) {
            assertThat(register(RegisterRequest.iso("installer").licenseType(license).build()).isAllowed()).isTrue();
        }

        @Test
        void declaredSizeAtLimitAllowed() {
            Decision decision = register(RegisterRequest.template("big", DiskFormat.RAW)
                    .declaredSizeBytes(4096 * Limits.GB).build());

            assertThat(decision.isAllowed()).isTrue();
        }

        @Test
        void declaredSizeOverLimitDenied() {
            Decision decision = register(RegisterRequest.template("big", DiskFormat.RAW)
                    .declaredSizeBytes(4096 * Limits.GB + 1).build());

            assertThat(decision.codes()).containsExactly(ReasonCode.LIMIT_IMAGE_SIZE);
            assertThat(decision.denials().get(0).message()).contains("4,096 GB");
        }

        @Test
        void quotaReachedDenied() {
            TenantUsage full = new TenantUsage(A_JP1.id(), 256, 0);

            Decision template = engine.register(ownerA, A_JP1,
                    RegisterRequest.template("one-more", DiskFormat.RAW).build(), full);
            Decision iso = engine.register(ownerA, A_JP1, RegisterRequest.iso("installer").build(), full);

            assertThat(template.codes()).containsExactly(ReasonCode.QUOTA_IMAGES_PER_PLAN);
            assertThat(template.denials().get(0).message()).contains("256");
            assertThat(iso.isAllowed()).as("the ISO plan has its own quota").isTrue();
        }

        @Test
        void quotaFollowsCatalog() {
            PolicyEngine small = new PolicyEngine(
                    Catalog.defaults().withLimits(Limits.defaults().withMaxImagesPerPlanPerTenant(2)));

            Decision decision = small.register(ownerA, A_JP1, RegisterRequest.iso("installer").build(),
                    new TenantUsage(A_JP1.id(), 0, 2));

            assertThat(decision.codes()).containsExactly(ReasonCode.QUOTA_IMAGES_PER_PLAN);
        }

        @Test
        void otherTenantDenied() {
            Decision decision = engine.register(Caller.of(B_JP1.id()), A_JP1,
                    RegisterRequest.iso("installer").build(), TenantUsage.empty(A_JP1.id()));

            assertThat(decision.codes()).containsExactly(ReasonCode.TENANT_NO_ACCESS_AUTHORITY);
        }
    }

    @Nested
    class Delete {
        @Test
        void ownerDeletesUnprotectedImage() {
            assertThat(engine.delete(ownerA, activeTemplate(A_JP1)).isAllowed()).isTrue();
        }

        @Test
        void protectedImageDenied() {
            Image image = activeTemplate(A_JP1).withDeletionProtection(true, NOW);

            Decision decision = engine.delete(ownerA, image);

            assertThat(decision.codes()).containsExactly(ReasonCode.DELETE_PROTECTED);
            assertThat(decision.denials().get(0).message()).contains("protection off");
        }

        @Test
        void protectedImageDeniedEvenWithAccessAuthority() {
            Image image = activeTemplate(A_JP1).withDeletionProtection(true, NOW);

            Decision decision = engine.delete(Caller.of(A_JP1.id(), A_JP2.id(), B_JP1.id()), image);

            assertThat(decision.codes()).containsExactly(ReasonCode.DELETE_PROTECTED);
        }

        @Test
        void otherTenantDenied() {
            Decision decision = engine.delete(Caller.of(A2_JP1.id(), A_JP1.id()), activeTemplate(A_JP1));

            assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_OWNER);
        }
    }

    @Nested
    class Share {
        @Test
        void sameContractSameRegionAllowed() {
            Decision decision = engine.addMember(ownerA, activeTemplate(A_JP1), A_JP1, A2_JP1, Optional.empty());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void otherContractSameRegionAllowed() {
            Decision decision = engine.addMember(ownerA, activeTemplate(A_JP1), A_JP1, B_JP1, Optional.empty());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void withItselfDenied() {
            Decision decision = engine.addMember(ownerA, activeTemplate(A_JP1), A_JP1, A_JP1, Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.SHARE_WITH_SELF);
        }

        @Test
        void sameContractOtherRegionDenied() {
            Decision decision = engine.addMember(ownerA, activeTemplate(A_JP1), A_JP1, A_JP2, Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.SHARE_ACROSS_REGIONS);
            assertThat(decision.denials().get(0).message()).contains("JP2").contains("JP1").contains("copy");
        }

        @Test
        void otherContractOtherRegionDenied() {
            Decision decision = engine.addMember(ownerA, activeTemplate(A_JP1), A_JP1, B_JP2, Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.SHARE_ACROSS_REGIONS);
        }

        @Test
        void nonOwnerDenied() {
            Decision decision = engine.addMember(Caller.of(A2_JP1.id(), A_JP1.id()), activeTemplate(A_JP1), A_JP1,
                    B_JP1, Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_OWNER);
        }

        @Test
        void existingMemberDenied() {
            Image image = activeTemplate(A_JP1);
            Membership existing = new Membership(image.id(), B_JP1.id(), MembershipStatus.PENDING, NOW, NOW);

            Decision decision = engine.addMember(ownerA, image, A_JP1, B_JP1, Optional.of(existing));

            assertThat(decision.codes()).containsExactly(ReasonCode.SHARE_ALREADY_MEMBER);
        }

        @Test
        void queuedImageDenied() {
            Image image = activeTemplate(A_JP1).withStatus(ImageStatus.QUEUED, NOW);

            Decision decision = engine.addMember(ownerA, image, A_JP1, B_JP1, Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_ACTIVE);
        }

        @Test
        void removeByOwnerAllowed() {
            Image image = activeTemplate(A_JP1);
            Membership existing = new Membership(image.id(), B_JP1.id(), MembershipStatus.ACCEPTED, NOW, NOW);

            assertThat(engine.removeMember(ownerA, image, B_JP1.id(), Optional.of(existing)).isAllowed()).isTrue();
        }

        @Test
        void removeByMemberDenied() {
            Image image = activeTemplate(A_JP1);
            Membership existing = new Membership(image.id(), B_JP1.id(), MembershipStatus.ACCEPTED, NOW, NOW);

            Decision decision = engine.removeMember(Caller.of(B_JP1.id()), image, B_JP1.id(), Optional.of(existing));

            assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_OWNER);
        }

        @Test
        void removeOwnerFromItsImageDenied() {
            Decision decision = engine.removeMember(ownerA, activeTemplate(A_JP1), A_JP1.id(), Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.SHARE_WITH_SELF);
        }

        @Test
        void removeNonMemberDenied() {
            Decision decision = engine.removeMember(ownerA, activeTemplate(A_JP1), B_JP1.id(), Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.MEMBER_NOT_FOUND);
        }
    }

    @Nested
    class Answer {
        private final Image image = activeTemplate(A_JP1);
        private final Optional<Membership> pending = Optional.of(
                new Membership(image.id(), B_JP1.id(), MembershipStatus.PENDING, NOW, NOW));

        @ParameterizedTest
        @EnumSource(value = MembershipStatus.class, names = {"ACCEPTED", "REJECTED"})
        void memberAnswersForItself(MembershipStatus answer) {
            Decision decision = engine.answer(Caller.of(B_JP1.id()), B_JP1, image, B_JP1.id(), answer, pending);

            assertThat(decision.isAllowed()).isTrue();
            assertThat(decision.operation())
                    .isEqualTo(answer == MembershipStatus.ACCEPTED ? Operation.ACCEPT : Operation.REJECT);
        }

        @Test
        void ownerCanNotAnswerForMember() {
            Decision decision = engine.answer(ownerA, A_JP1, image, B_JP1.id(), MembershipStatus.ACCEPTED, pending);

            assertThat(decision.codes()).containsExactly(ReasonCode.MEMBER_NOT_SELF);
        }

        @Test
        void accessAuthorityIsNotEnoughToAnswer() {
            Caller other = Caller.of(B_JP2.id(), B_JP1.id());

            Decision decision = engine.answer(other, B_JP2, image, B_JP1.id(), MembershipStatus.ACCEPTED, pending);

            assertThat(decision.codes()).containsExactly(ReasonCode.MEMBER_NOT_SELF);
        }

        @Test
        void nonMemberDenied() {
            Decision decision = engine.answer(Caller.of(A2_JP1.id()), A2_JP1, image, A2_JP1.id(), MembershipStatus.ACCEPTED,
                    Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.MEMBER_NOT_FOUND);
        }

        @Test
        void ownerIsNotAMember() {
            Decision decision = engine.answer(ownerA, A_JP1, image, A_JP1.id(), MembershipStatus.ACCEPTED, Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.SHARE_WITH_SELF);
        }

        @Test
        void pendingIsNotAnAnswer() {
            assertThatThrownBy(() -> engine.answer(Caller.of(B_JP1.id()), B_JP1, image, B_JP1.id(),
                    MembershipStatus.PENDING, pending))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PENDING");
        }

        @Test
        void onlyAcceptedMemberSeesImage() {
            Caller member = Caller.of(B_JP1.id());

            assertThat(PolicyEngine.isVisible(member, image, Optional.empty())).isFalse();
            assertThat(PolicyEngine.isVisible(member, image, pending)).isFalse();
            assertThat(PolicyEngine.isVisible(member, image,
                    pending.map(m -> m.withStatus(MembershipStatus.REJECTED, NOW)))).isFalse();
            assertThat(PolicyEngine.isVisible(member, image,
                    pending.map(m -> m.withStatus(MembershipStatus.ACCEPTED, NOW)))).isTrue();
        }
    }

    @Nested
    class Copy {
        private final Caller withAuthority = Caller.of(A_JP1.id(), A2_JP1.id(), A_JP2.id(), B_JP1.id(), B_JP2.id());

        private Decision copy(Caller caller, Image source, dev.imagestorage.model.Tenant destination) {
            CopyRequest request = CopyRequest.of(source.id(), destination.id()).acknowledgingDataTransfer();
            return engine.copy(caller, source, A_JP1, destination, request, TenantUsage.empty(destination.id()));
        }

        @Test
        void sameTenantAllowed() {
            assertThat(copy(ownerA, activeTemplate(A_JP1), A_JP1).outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void sameContractSameRegionAllowed() {
            assertThat(copy(withAuthority, activeTemplate(A_JP1), A2_JP1).isAllowed()).isTrue();
        }

        @Test
        void sameContractOtherRegionAllowed() {
            assertThat(copy(withAuthority, activeTemplate(A_JP1), A_JP2).isAllowed()).isTrue();
        }

        @Test
        void otherContractSameRegionDenied() {
            Decision decision = copy(withAuthority, activeTemplate(A_JP1), B_JP1);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_ACROSS_CONTRACTS);
            assertThat(decision.denials().get(0).message()).contains("share the image with tenant b-jp1 instead");
        }

        @Test
        void otherContractOtherRegionDeniedWithRoute() {
            Decision decision = copy(withAuthority, activeTemplate(A_JP1), B_JP2);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_ACROSS_CONTRACTS);
            assertThat(decision.denials().get(0).message())
                    .contains("contract-a")
                    .contains("contract-b")
                    .contains("region JP2")
                    .contains("share");
        }

        @Test
        void withoutAuthorityOnDestinationDenied() {
            Decision decision = copy(ownerA, activeTemplate(A_JP1), A_JP2);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_NO_ACCESS_AUTHORITY);
            assertThat(decision.denials().get(0).message()).contains("a-jp2");
        }

        @Test
        void officialImageDenied() {
            Image official = image(A_JP1, Plan.TEMPLATE, DiskFormat.QCOW2, Origin.OFFICIAL, LicenseType.NONE, 1);

            assertThat(copy(withAuthority, official, A_JP2).codes()).containsExactly(ReasonCode.COPY_OFFICIAL);
        }

        @Test
        void derivedFromOfficialAllowed() {
            Image derived = image(A_JP1, Plan.TEMPLATE, DiskFormat.RAW, Origin.DERIVED_FROM_OFFICIAL,
                    LicenseType.NONE, 1);

            assertThat(copy(withAuthority, derived, A_JP2).isAllowed()).isTrue();
        }

        @Test
        void isoCopyAllowed() {
            Image iso = image(A_JP1, Plan.ISO, DiskFormat.ISO, Origin.PRIVATE, LicenseType.NONE, 1);

            assertThat(copy(withAuthority, iso, A_JP2).isAllowed()).isTrue();
        }

        @Test
        void sizeAtLimitAllowed() {
            Image big = image(A_JP1, Plan.TEMPLATE, DiskFormat.RAW, Origin.PRIVATE, LicenseType.NONE, 300 * Limits.GB);

            assertThat(copy(withAuthority, big, A_JP2).isAllowed()).isTrue();
        }

        @Test
        void sizeOverLimitDenied() {
            Image big = image(A_JP1, Plan.TEMPLATE, DiskFormat.RAW, Origin.PRIVATE, LicenseType.NONE,
                    300 * Limits.GB + 1);

            Decision decision = copy(withAuthority, big, A_JP2);

            assertThat(decision.codes()).containsExactly(ReasonCode.LIMIT_COPY_SIZE);
            assertThat(decision.denials().get(0).message()).contains("300 GB");
        }

        @Test
        void destinationQuotaReachedDenied() {
            Image source = activeTemplate(A_JP1);
            Decision decision = engine.copy(withAuthority, source, A_JP1, A_JP2,
                    CopyRequest.of(source.id(), A_JP2.id()).acknowledgingDataTransfer(),
                    new TenantUsage(A_JP2.id(), 256, 0));

            assertThat(decision.codes()).containsExactly(ReasonCode.QUOTA_IMAGES_PER_PLAN);
        }

        @Test
        void nonOwnerDenied() {
            Decision decision = copy(Caller.of(A_JP2.id(), A_JP1.id()), activeTemplate(A_JP1), A_JP2);

            assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_OWNER);
        }

        @Test
        void inactiveImageDenied() {
            Image saving = activeTemplate(A_JP1).withStatus(ImageStatus.SAVING, NOW);

            assertThat(copy(withAuthority, saving, A_JP2).codes()).containsExactly(ReasonCode.IMAGE_NOT_ACTIVE);
        }

        @Test
        void everyFailureListed() {
            Image official = image(A_JP1, Plan.TEMPLATE, DiskFormat.RAW, Origin.OFFICIAL, LicenseType.NONE,
                    301 * Limits.GB);

            Decision decision = copy(ownerA, official, B_JP2);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_OFFICIAL, ReasonCode.COPY_ACROSS_CONTRACTS,
                    ReasonCode.COPY_NO_ACCESS_AUTHORITY, ReasonCode.LIMIT_COPY_SIZE);
        }

        @Test
        void cancelByRequesterAllowedUntilFinished() {
            CopyJob job = new CopyJob(JobId.random(), activeTemplate(A_JP1).id(), A_JP1.id(),
                    activeTemplate(A_JP2).id(), A_JP2.id(), A_JP1.id(), CopyJobStatus.RUNNING, 0, 10,
                    Optional.empty(), NOW, NOW);

            assertThat(engine.cancelCopy(ownerA, job).isAllowed()).isTrue();
            assertThat(engine.cancelCopy(ownerA, job.withStatus(CopyJobStatus.SUCCEEDED, NOW)).codes())
                    .containsExactly(ReasonCode.COPY_JOB_FINISHED);
            assertThat(engine.cancelCopy(Caller.of(B_JP1.id()), job).codes())
                    .containsExactly(ReasonCode.COPY_JOB_NO_AUTHORITY);
        }
    }

    @Nested
    class Download {
        @Test
        void privateImageAllowed() {
            Decision decision = engine.download(ownerA, A_JP1, activeTemplate(A_JP1), A_JP1, Optional.empty());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @EnumSource(value = Origin.class, names = {"OFFICIAL", "DERIVED_FROM_OFFICIAL"})
        void officialOriginsDenied(Origin origin) {
            Image image = image(A_JP1, Plan.TEMPLATE, DiskFormat.QCOW2, origin, LicenseType.NONE, 1);

            Decision decision = engine.download(ownerA, A_JP1, image, A_JP1, Optional.empty());

            assertThat(decision.codes()).containsExactly(origin == Origin.OFFICIAL
                    ? ReasonCode.DOWNLOAD_OFFICIAL
                    : ReasonCode.DOWNLOAD_DERIVED_FROM_OFFICIAL);
        }

        @Test
        void licenseSwitchedDenied() {
            Image image = image(A_JP1, Plan.TEMPLATE, DiskFormat.QCOW2, Origin.PRIVATE, LicenseType.LICENSE_SWITCH, 1);

            assertThat(engine.download(ownerA, A_JP1, image, A_JP1, Optional.empty()).codes())
                    .containsExactly(ReasonCode.DOWNLOAD_LICENSE_SWITCH);
        }

        @Test
        void continuedUseLicenseAllowedWithWarning() {
            Image image = image(A_JP1, Plan.TEMPLATE, DiskFormat.QCOW2, Origin.PRIVATE,
                    LicenseType.PROVIDER_LICENSE_CONTINUED_USE, 1);

            Decision decision = engine.download(ownerA, A_JP1, image, A_JP1, Optional.empty());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED_WITH_WARNINGS);
            assertThat(decision.isAllowed()).isTrue();
            assertThat(decision.warnings()).extracting(Reason::code)
                    .containsExactly(ReasonCode.DOWNLOAD_CONTINUED_USE_LICENSE);
            assertThat(decision.warnings().get(0).message()).contains("may violate its license");
        }

        @ParameterizedTest
        @ValueSource(strings = {"PENDING", "REJECTED"})
        void unacceptedMemberDenied(String status) {
            Image image = activeTemplate(A_JP1);
            Membership membership = new Membership(image.id(), B_JP1.id(), MembershipStatus.valueOf(status), NOW, NOW);

            Decision decision = engine.download(Caller.of(B_JP1.id()), B_JP1, image, A_JP1, Optional.of(membership));

            assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_VISIBLE);
        }

        @Test
        void acceptedMemberAllowed() {
            Image image = activeTemplate(A_JP1);
            Membership membership = new Membership(image.id(), B_JP1.id(), MembershipStatus.ACCEPTED, NOW, NOW);

            assertThat(engine.download(Caller.of(B_JP1.id()), B_JP1, image, A_JP1, Optional.of(membership)).isAllowed()).isTrue();
        }

        @Test
        void queuedImageDenied() {
            Image queued = activeTemplate(A_JP1).withStatus(ImageStatus.QUEUED, NOW);

            assertThat(engine.download(ownerA, A_JP1, queued, A_JP1, Optional.empty()).codes())
                    .containsExactly(ReasonCode.IMAGE_NOT_ACTIVE);
        }
    }

    @Nested
    class Upload {
        @Test
        void ownerUploadsToQueuedImage() {
            Image queued = activeTemplate(A_JP1).withStatus(ImageStatus.QUEUED, NOW);

            assertThat(engine.upload(ownerA, A_JP1, queued, UploadChannel.API, OptionalLong.empty()).isAllowed()).isTrue();
        }

        @ParameterizedTest
        @EnumSource(value = ImageStatus.class, names = {"SAVING", "ACTIVE", "KILLED"})
        void onlyQueuedImageAcceptsData(ImageStatus status) {
            Image image = activeTemplate(A_JP1).withStatus(status, NOW);

            assertThat(engine.upload(ownerA, A_JP1, image, UploadChannel.API, OptionalLong.empty()).codes()).containsExactly(ReasonCode.IMAGE_NOT_QUEUED);
        }

        @Test
        void nonOwnerDenied() {
            Image queued = activeTemplate(A_JP1).withStatus(ImageStatus.QUEUED, NOW);

            assertThat(engine.upload(Caller.of(B_JP1.id()), B_JP1, queued, UploadChannel.API, OptionalLong.empty()).codes())
                    .containsExactly(ReasonCode.IMAGE_NOT_OWNER);
        }
    }

    @Test
    void decisionExplainsItself() {
        Decision decision = engine.addMember(ownerA, activeTemplate(A_JP1), A_JP1, B_JP2, Optional.empty());

        assertThat(decision.toString())
                .startsWith("denied: share image")
                .contains("[share.cross-region]")
                .contains("tenant b-jp2 is in region JP2");
    }
}
