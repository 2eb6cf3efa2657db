package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A2_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.B_JP1;
import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.TenantUsage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** How ISO images attach to and detach from servers, and which operating systems an ISO image may carry. */
class IsoRulesTest {
    private static final ServerRef BAREMETAL_1 = ServerRef.baremetal("bm-1");
    private static final ServerRef BAREMETAL_2 = ServerRef.baremetal("bm-2");
    private static final ServerRef VIRTUAL_1 = ServerRef.virtual("vm-1");
    private static final ServerRef VIRTUAL_2 = ServerRef.virtual("vm-2");

    /** The engine's clock reads 2019-06-01, before the vendor's support of any listed system ended. */
    private final PolicyEngine engine = new PolicyEngine(PolicyFixtures.catalog(),
            Clock.fixed(Instant.parse("2019-06-01T00:00:00Z"), ZoneOffset.UTC));
    private final Caller owner = Caller.of(A_JP1.id());
    private final Image iso = ImageBuilder.iso(A_JP1).build();

    private Decision attach(Image image, ServerRef server, ServerPhase phase, List<IsoAttachment> ofImage,
            List<IsoAttachment> ofServer) {
        return engine.attachIso(owner, A_JP1, image, A_JP1, Optional.empty(), server, phase, ofImage, ofServer);
    }

    private static IsoAttachment attachment(ImageId image, ServerRef server) {
        return new IsoAttachment(image, server, A_JP1.id(), NOW);
    }

    static Stream<OperatingSystem> licensedSystems() {
        return Stream.of(OsFixtures.WINDOWS_2012_R2, OsFixtures.RHEL);
    }

    @Nested
    class Baremetal {
        @ParameterizedTest
        @EnumSource(ServerPhase.class)
        void freeIsoAndServerAllowedInAnyPhase(ServerPhase phase) {
            Decision decision = attach(iso, BAREMETAL_1, phase, List.of(), List.of());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void isoOnAnotherBaremetalDenied() {
            Decision decision = attach(iso, BAREMETAL_2, ServerPhase.RUNNING,
                    List.of(attachment(iso.id(), BAREMETAL_1)), List.of());

            assertThat(decision.codes()).containsExactly(ReasonCode.ISO_IN_USE_BY_BAREMETAL);
            assertThat(decision.denials().get(0).message())
                    .contains("attached to baremetal server bm-1")
                    .contains("one baremetal server at a time");
        }

        @Test
        void baremetalWithAnotherIsoDenied() {
            ImageId other = ImageId.random();

            Decision decision = attach(iso, BAREMETAL_1, ServerPhase.RUNNING, List.of(),
                    List.of(attachment(other, BAREMETAL_1)));

            assertThat(decision.codes()).containsExactly(ReasonCode.ISO_BAREMETAL_HAS_ISO);
            assertThat(decision.denials().get(0).message())
                    .contains("baremetal server bm-1 already has image " + other)
                    .contains("detach it first");
        }

        @Test
        void bothDirectionsDeniedTogether() {
            Decision decision = attach(iso, BAREMETAL_2, ServerPhase.RUNNING,
                    List.of(attachment(iso.id(), BAREMETAL_1)), List.of(attachment(ImageId.random(), BAREMETAL_2)));

            assertThat(decision.codes())
                    .containsExactly(ReasonCode.ISO_IN_USE_BY_BAREMETAL, ReasonCode.ISO_BAREMETAL_HAS_ISO);
        }

        @Test
        void isoOnVirtualServersStillAttachesToBaremetal() {
            Decision decision = attach(iso, BAREMETAL_1, ServerPhase.RUNNING,
                    List.of(attachment(iso.id(), VIRTUAL_1), attachment(iso.id(), VIRTUAL_2)), List.of());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @MethodSource("dev.imagestorage.policy.IsoRulesTest#licensedSystems")
        void licensedSystemInstallsOnBaremetal(OperatingSystem os) {
            Image licensed = ImageBuilder.iso(A_JP1).os(os).build();

            Decision attached = attach(licensed, BAREMETAL_1, ServerPhase.LAUNCH, List.of(), List.of());
            Decision launched = engine.launch(owner, A_JP1, licensed, A_JP1, Optional.empty(),
                    LaunchRequest.fromIso(ResourceType.BAREMETAL_SERVER, IsoPurpose.OS_INSTALLER, 10, 1024));

            assertThat(attached.isAllowed()).as(attached.toString()).isTrue();
            assertThat(launched.isAllowed()).as(launched.toString()).isTrue();
        }

        @ParameterizedTest
        @EnumSource(ServerPhase.class)
        void detachAllowedInAnyPhase(ServerPhase phase) {
            Decision decision = engine.detachIso(owner, iso, BAREMETAL_1, phase,
                    Optional.of(attachment(iso.id(), BAREMETAL_1)));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class VirtualServer {
        @Test
        void unlimitedAttachmentsAtLaunchAllowed() {
            List<IsoAttachment> existing = List.of(attachment(iso.id(), BAREMETAL_1), attachment(iso.id(), VIRTUAL_1),
                    attachment(iso.id(), VIRTUAL_2));

            Decision decision = attach(iso, ServerRef.virtual("vm-3"), ServerPhase.LAUNCH, existing,
                    List.of(attachment(ImageId.random(), ServerRef.virtual("vm-3"))));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @EnumSource(value = ServerPhase.class, names = {"RUNNING", "DELETION"})
        void attachOutsideLaunchDenied(ServerPhase phase) {
            Decision decision = attach(iso, VIRTUAL_1, phase, List.of(), List.of());

            assertThat(decision.codes()).containsExactly(ReasonCode.ISO_ATTACH_NOT_AT_LAUNCH);
            assertThat(decision.denials().get(0).message()).contains("virtual server vm-1").contains(phase.name());
        }

        @Test
        void detachAtDeletionAllowed() {
            Decision decision = engine.detachIso(owner, iso, VIRTUAL_1, ServerPhase.DELETION,
                    Optional.of(attachment(iso.id(), VIRTUAL_1)));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @EnumSource(value = ServerPhase.class, names = {"LAUNCH", "RUNNING"})
        void detachBeforeDeletionDenied(ServerPhase phase) {
            Decision decision = engine.detachIso(owner, iso, VIRTUAL_1, phase,
                    Optional.of(attachment(iso.id(), VIRTUAL_1)));

            assertThat(decision.codes()).containsExactly(ReasonCode.ISO_DETACH_NOT_AT_DELETION);
            assertThat(decision.denials().get(0).message()).contains("virtual server vm-1").contains(phase.name());
        }

        @ParameterizedTest
        @MethodSource("dev.imagestorage.policy.IsoRulesTest#licensedSystems")
        void licensedSystemAttachDenied(OperatingSystem os) {
            Image licensed = ImageBuilder.iso(A_JP1).os(os).build();

            Decision decision = attach(licensed, VIRTUAL_1, ServerPhase.LAUNCH, List.of(), List.of());

            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_ISO_OS);
            assertThat(decision.denials().get(0).message()).contains(os.product()).contains("license");
        }

        @Test
        void otherSystemAttachAllowed() {
            Image ubuntu = ImageBuilder.iso(A_JP1).os(OsFixtures.UBUNTU).build();

            assertThat(attach(ubuntu, VIRTUAL_1, ServerPhase.LAUNCH, List.of(), List.of()).outcome())
                    .isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class LaunchFromIso {
        @ParameterizedTest
        @MethodSource("dev.imagestorage.policy.IsoRulesTest#licensedSystems")
        void licensedVirtualServerDenied(OperatingSystem os) {
            Image licensed = ImageBuilder.iso(A_JP1).os(os).build();

            Decision decision = engine.launch(owner, A_JP1, licensed, A_JP1, Optional.empty(),
                    LaunchRequest.fromIso(ResourceType.VIRTUAL_SERVER, IsoPurpose.OS_INSTALLER, 10, 1024));

            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_ISO_OS);
            assertThat(decision.denials().get(0).message()).contains(os.product()).contains("use a template");
        }

        @ParameterizedTest
        @MethodSource("dev.imagestorage.policy.IsoRulesTest#licensedSystems")
        void licensedBootableVolumeDenied(OperatingSystem os) {
            Image licensed = ImageBuilder.iso(A_JP1).os(os).build();

            Decision decision = engine.launch(owner, A_JP1, licensed, A_JP1, Optional.empty(),
                    LaunchRequest.fromIso(ResourceType.BOOTABLE_VOLUME, IsoPurpose.OS_INSTALLER, 10, 0));

            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_ISO_OS);
        }

        @Test
        void templateOfLicensedSystemLaunchesVirtualServer() {
            Image template = ImageBuilder.template(A_JP1).os(OsFixtures.RHEL).licenseType(LicenseType.BYOL).build();

            Decision decision = engine.launch(owner, A_JP1, template, A_JP1, Optional.empty(),
                    LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 10, 1024));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class Registration {
        @Test
        void windowsServerIsoDenied() {
            Decision decision = engine.register(owner, A_JP1,
                    RegisterRequest.iso("windows-installer").os(OsFixtures.WINDOWS_2012_R2).build(),
                    TenantUsage.empty(A_JP1.id()));

            assertThat(decision.codes()).containsExactly(ReasonCode.ISO_WINDOWS_SERVER);
            assertThat(decision.denials().get(0).message())
                    .contains("Windows Server 2012 R2 Standard")
                    .contains("never be license-switched");
        }

        @Test
        void windowsServerIsoWithSwitchGetsBothReasons() {
            Decision decision = engine.register(owner, A_JP1, RegisterRequest.iso("windows-installer")
                    .os(OsFixtures.WINDOWS_2012_R2).licenseType(LicenseType.LICENSE_SWITCH).build(),
                    TenantUsage.empty(A_JP1.id()));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_NOT_FOR_ISO, ReasonCode.ISO_WINDOWS_SERVER);
        }

        @Test
        void rhelIsoRegistrationAllowed() {
            Decision decision = engine.register(owner, A_JP1,
                    RegisterRequest.iso("rhel-installer").os(OsFixtures.RHEL).licenseType(LicenseType.BYOL).build(),
                    TenantUsage.empty(A_JP1.id()));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class AttachAndDetachChecks {
        @Test
        void templateNotAttachable() {
            Image template = ImageBuilder.template(A_JP1).build();

            Decision decision = attach(template, BAREMETAL_1, ServerPhase.RUNNING, List.of(), List.of());

            assertThat(decision.codes()).containsExactly(ReasonCode.ISO_NOT_AN_ISO);
            assertThat(decision.denials().get(0).message()).contains(template.id().toString()).contains("template");
        }

        @Test
        void pendingMemberCanNotAttach() {
            Membership pending = new Membership(iso.id(), B_JP1.id(), MembershipStatus.PENDING, NOW, NOW);

            Decision decision = engine.attachIso(Caller.of(B_JP1.id()), B_JP1, iso, A_JP1, Optional.of(pending),
                    BAREMETAL_1, ServerPhase.RUNNING, List.of(), List.of());

            assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_VISIBLE);
        }

        @Test
        void acceptedMemberAttaches() {
            Membership accepted = new Membership(iso.id(), B_JP1.id(), MembershipStatus.ACCEPTED, NOW, NOW);

            Decision decision = engine.attachIso(Caller.of(B_JP1.id()), B_JP1, iso, A_JP1, Optional.of(accepted),
                    BAREMETAL_1, ServerPhase.RUNNING, List.of(), List.of());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void detachOfUnattachedImageDenied() {
            Decision decision = engine.detachIso(owner, iso, BAREMETAL_1, ServerPhase.RUNNING, Optional.empty());

            assertThat(decision.codes()).containsExactly(ReasonCode.ISO_NOT_ATTACHED);
            assertThat(decision.denials().get(0).message()).contains("not attached to baremetal server bm-1");
        }

        @Test
        void detachNeedsAuthorityOnAttachingTenant() {
            IsoAttachment byOther = new IsoAttachment(iso.id(), BAREMETAL_1, A2_JP1.id(), NOW);

            Decision without = engine.detachIso(owner, iso, BAREMETAL_1, ServerPhase.RUNNING, Optional.of(byOther));
            Decision with = engine.detachIso(Caller.of(A_JP1.id(), A2_JP1.id()), iso, BAREMETAL_1,
                    ServerPhase.RUNNING, Optional.of(byOther));

            assertThat(without.codes()).containsExactly(ReasonCode.ISO_NOT_ATTACHED);
            assertThat(without.denials().get(0).message()).contains("by tenant " + A2_JP1.id());
            assertThat(with.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void attachingTenantDetachesItself() {
            IsoAttachment byMember = new IsoAttachment(iso.id(), BAREMETAL_1, B_JP1.id(), NOW);

            Decision decision = engine.detachIso(Caller.of(B_JP1.id()), iso, BAREMETAL_1, ServerPhase.RUNNING,
                    Optional.of(byMember));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }
    }
}
