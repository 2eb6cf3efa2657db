package dev.imagestorage.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.imagestorage.memory.InMemoryStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.DistributionPlan;
import dev.imagestorage.policy.DistributionStep;
import dev.imagestorage.policy.ReasonCode;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Distribution plans, carried out step by step through the real service: every step of a reachable plan is allowed
 * and the target ends up seeing the image, and an unreachable plan gives a reason and misses no route of
 * one copy and one share.
 */
class DistributionPlanProperties {
    /** Two regions with license-switch offers and official-derived copies, and one with neither. */
    private static final List<String> REGIONS = List.of("JP1", "JP2", "US1");
    private static final OperatingSystem WINDOWS_2012_R2 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2012 R2 Standard");

    /** The kind of image to distribute. Each kind limits the regions a copy may go to in its own way. */
    enum ImageKind {
        PRIVATE,
        DERIVED_FROM_OFFICIAL,
        LICENSE_SWITCH
    }

    /** The target's membership in the image before the plan is made. */
    enum PriorMembership {
        NONE,
        PENDING,
        REJECTED,
        ACCEPTED
    }

    record TenantSpec(int contract, String region) {}

    /**
     * Which tenants play which part; indices wrap around the number of tenants.
     *
     * @param acting the tenant the caller acts for, or a negative number for the image's owner
     * @param authority bit i set when the caller has access authority on tenant i
     */
    record Roles(int owner, int target, int acting, int authority) {}

    /** @param suspended the tenant suspended after the setup, or a negative number for none */
    record Situation(ImageKind kind, PriorMembership prior, int suspended) {}

    private static Gen<List<TenantSpec>> tenants() {
        Gen<TenantSpec> tenant = SourceDSL.integers().between(0, 2).zip(Generate.pick(REGIONS), TenantSpec::new);
        return SourceDSL.lists().of(tenant).ofSizeBetween(2, 6);
    }

    private static Gen<Roles> roles() {
        Gen<Integer> index = SourceDSL.integers().between(0, 5);
        return index.zip(index, SourceDSL.integers().between(-12, 5), SourceDSL.integers().between(0, 63),
                Roles::new);
    }

    private static Gen<Situation> situations() {
        return Generate.enumValues(ImageKind.class).zip(Generate.enumValues(PriorMembership.class),
                SourceDSL.integers().between(-8, 5), Situation::new);
    }

    @Test
    void planStepsSucceedOrRouteAbsent() {
        qt().withExamples(60).withShrinkCycles(50)
                .forAll(tenants(), roles(), situations())
                .checkAssert((tenants, roles, situation) -> new World(tenants, roles, situation).check());
    }

    @Test
    void suspendedOwnerLeavesMemberUnreachable() {
        List<TenantSpec> tenants = List.of(new TenantSpec(0, "JP2"), new TenantSpec(0, "JP2"));
        World world = new World(tenants, new Roles(0, 1, 0, 0),
                new Situation(ImageKind.PRIVATE, PriorMembership.ACCEPTED, 0));

        DistributionPlan plan = world.plan();

        assertThat(plan.isReachable()).as(plan.toString()).isFalse();
        assertThat(plan.decision().codes()).as(plan.toString()).contains(ReasonCode.TENANT_SUSPENDED);
        world.check();
    }

    @Test
    void suspendedTargetUnreachable() {
        List<TenantSpec> tenants = List.of(new TenantSpec(0, "JP1"), new TenantSpec(0, "JP1"),
                new TenantSpec(0, "JP1"));
        World world = new World(tenants, new Roles(2, 0, -1, 0),
                new Situation(ImageKind.PRIVATE, PriorMembership.NONE, 0));

        DistributionPlan plan = world.plan();

        assertThat(plan.isReachable()).as(plan.toString()).isFalse();
        assertThat(plan.decision().codes()).as(plan.toString()).contains(ReasonCode.TENANT_SUSPENDED);
        world.check();
    }

    @Test
    void pendingMemberOnlyAccepts() {
        List<TenantSpec> tenants = List.of(new TenantSpec(0, "JP1"), new TenantSpec(0, "JP1"));
        World world = new World(tenants, new Roles(0, 1, 0, 0),
                new Situation(ImageKind.PRIVATE, PriorMembership.PENDING, -1));

        DistributionPlan plan = world.plan();

        assertThat(plan.isReachable()).as(plan.toString()).isTrue();
        assertThat(plan.steps()).extracting(DistributionStep::kind).containsExactly(DistributionStep.Kind.ACCEPT);
        world.check();
    }

    /** One example: a fresh service with the generated tenants, an uploaded image and a caller. */
    private static final class World {
        private final ImageService service;
        private final List<Tenant> tenants = new ArrayList<>();
        private final Tenant owner;
        private final Tenant target;
        private final Caller caller;
        private final ImageId image;

        World(List<TenantSpec> specs, Roles roles, Situation situation) {
            Clock clock = Clock.fixed(ManualClock.START, ZoneOffset.UTC);
            service = ImageService.builder().storage(InMemoryStorage.create(clock)).clock(clock)
                    .catalog(ServiceFixture.catalog().withRegion(RegionId.of("US1"))).build();
            for (int contract = 0; contract < 3; contract++) {
                service.addContract(ContractId.of("c" + contract));
            }
            for (int i = 0; i < specs.size(); i++) {
                tenants.add(service.addTenant(TenantId.of("t" + i), ContractId.of("c" + specs.get(i).contract()),
                        RegionId.of(specs.get(i).region())));
            }
            owner = tenants.get(roles.owner() % tenants.size());
            target = tenants.get(roles.target() % tenants.size());
            image = uploadImage(situation.kind());
            setUpMembership(situation.prior());
            if (situation.suspended() >= 0) {
                service.suspendTenant(tenants.get(situation.suspended() % tenants.size()).id());
            }

            Set<TenantId> authority = new HashSet<>();
            for (int i = 0; i < tenants.size(); i++) {
                if ((roles.authority() & (1 << i)) != 0) {
                    authority.add(tenants.get(i).id());
                }
            }
            Tenant acting = roles.acting() < 0 ? owner : tenants.get(roles.acting() % tenants.size());
            caller = new Caller(acting.id(), authority);
        }

        /** Registers and uploads the image; a license-switched image outside the offered regions becomes private. */
        private ImageId uploadImage(ImageKind kind) {
            Caller asOwner = Caller.of(owner.id());
            RegisterRequest.Builder request = RegisterRequest.template("image", DiskFormat.RAW);
            if (kind == ImageKind.DERIVED_FROM_OFFICIAL) {
                request.derivedFromOfficial(ServiceFixture.OFFICIAL_TEMPLATE);
            } else if (kind == ImageKind.LICENSE_SWITCH && !owner.region().value().equals("US1")) {
                request.licenseType(LicenseType.LICENSE_SWITCH).os(WINDOWS_2012_R2);
            }
            Image queued = service.register(asOwner, request.build());
            return service.upload(asOwner, queued.id(), new ByteArrayInputStream(ServiceFixture.RAW)).id();
        }

        private void setUpMembership(PriorMembership prior) {
            Caller asOwner = Caller.of(owner.id());
            if (prior == PriorMembership.NONE || service.checkAddMember(asOwner, image, target.id()).isDenied()) {
                return;
            }
            service.addMember(asOwner, image, target.id());
            Caller asTarget = Caller.of(target.id());
            if (prior == PriorMembership.ACCEPTED) {
                service.accept(asTarget, image, target.id());
            } else if (prior == PriorMembership.REJECTED) {
                service.reject(asTarget, image, target.id());
            }
        }

        DistributionPlan plan() {
            return service.planDistribution(caller, image, target.id());
        }

        void check() {
            DistributionPlan plan = plan();
            if (plan.isReachable()) {
                carryOut(plan);
            } else {
                assertUnreachable(plan);
            }
        }

        private void carryOut(DistributionPlan plan) {
            Map<TenantId, ImageId> held = new HashMap<>();
            held.put(owner.id(), image);
            for (DistributionStep step : plan.steps()) {
                assertThat(step.decision().isAllowed()).as(plan.toString()).isTrue();
                Caller actor = new Caller(step.actingTenant(), caller.accessibleTenants());
                ImageId from = held.get(step.holder());
                assertThat(from).as("holder of " + step + " in " + plan).isNotNull();
                if (step.kind() == DistributionStep.Kind.COPY) {
                    CopyRequest request = new CopyRequest(from, step.recipient(), step.dataTransferAcknowledged());
                    assertAllowed(service.checkCopy(actor, request), plan);
                    CopyJob job = service.copy(actor, request);
                    assertThat(job.status()).as(plan.toString()).isEqualTo(CopyJobStatus.SUCCEEDED);
                    held.put(step.recipient(), job.destination());
                } else if (step.kind() == DistributionStep.Kind.ACCEPT) {
                    Caller recipient = Caller.of(step.recipient());
                    assertAllowed(service.checkAccept(recipient, from, step.recipient()), plan);
                    service.accept(recipient, from, step.recipient());
                    held.put(step.recipient(), from);
                } else {
                    Caller recipient = Caller.of(step.recipient());
                    assertAllowed(service.checkAddMember(actor, from, step.recipient()), plan);
                    service.addMember(actor, from, step.recipient());
                    assertAllowed(service.checkAccept(recipient, from, step.recipient()), plan);
                    service.accept(recipient, from, step.recipient());
                    held.put(step.recipient(), from);
                }
            }

            ImageId reached = held.getOrDefault(target.id(), image);
            assertThat(service.listImages(Caller.of(target.id()))).extracting(Image::id).as(plan.toString())
                    .contains(reached);
        }

        private void assertUnreachable(DistributionPlan plan) {
            Decision decision = plan.decision();
            assertThat(plan.steps()).as(decision.toString()).isEmpty();
            assertThat(decision.denials()).as(decision.toString()).isNotEmpty();
            assertThat(decision.codes()).as(decision.toString()).contains(ReasonCode.DISTRIBUTION_NO_ROUTE);

            Caller asTarget = Caller.of(target.id());
            boolean pending = service.listMemberships(asTarget).stream().anyMatch(m -> m.image().equals(image));
            assertThat(pending && service.tenant(owner.id()).isActive()
                    && service.checkAccept(asTarget, image, target.id()).isAllowed())
                    .as("accepting the existing membership was missed: " + decision)
                    .isFalse();
            assertNoShare(caller, image, "share missed: " + decision);
            CopyRequest direct = CopyRequest.of(image, target.id()).acknowledgingDataTransfer();
            assertThat(service.checkCopy(caller, direct).isAllowed()).as("copy missed: " + decision).isFalse();
            for (Tenant intermediate : tenants) {
                if (intermediate.equals(owner) || intermediate.equals(target)) {
                    continue;
                }
                CopyRequest first = CopyRequest.of(image, intermediate.id()).acknowledgingDataTransfer();
                if (service.checkCopy(caller, first).isDenied()) {
                    continue;
                }
                ImageId copy = service.copy(caller, first).destination();
                assertNoShare(new Caller(intermediate.id(), caller.accessibleTenants()), copy,
                        "route through " + intermediate.id() + " missed: " + decision);
            }
        }

        /** Asserts that {@code holder} can not share {@code held} with the target so that the target accepts. */
        private void assertNoShare(Caller holder, ImageId held, String message) {
            if (service.checkAddMember(holder, held, target.id()).isDenied()) {
                return;
            }
            service.addMember(holder, held, target.id());
            assertThat(service.checkAccept(Caller.of(target.id()), held, target.id()).isAllowed()).as(message)
                    .isFalse();
        }

        private static void assertAllowed(Decision decision, DistributionPlan plan) {
            assertThat(decision.isAllowed()).as(decision + "\nwhile carrying out " + plan).isTrue();
        }
    }
}
