package dev.imagestorage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** The sharing and copying matrix, checked for random contracts, regions and tenants. */
class SharingAndCopyingMatrixProperties {
    private static final String[] REGIONS = {"JP1", "JP2", "JP4", "JP5", "JP6"};

    private final PolicyEngine engine = new PolicyEngine(PolicyFixtures.catalog());

    /** Tenants drawn from a small space, so that equal contracts, regions and tenant ids come up often. */
    private static Gen<Tenant> tenants() {
        Gen<String> ids = SourceDSL.integers().between(1, 6).map(i -> "tenant-" + i);
        Gen<String> contracts = SourceDSL.integers().between(1, 3).map(i -> "contract-" + i);
        Gen<String> regions = Generate.pick(java.util.List.of(REGIONS));
        return ids.zip(contracts, regions, Tenant::of);
    }

    private static Gen<Plan> plans() {
        return Generate.enumValues(Plan.class);
    }

    private static Gen<Origin> origins() {
        return Generate.enumValues(Origin.class);
    }

    private static Image activeImage(Tenant owner, Plan plan, Origin origin) {
        DiskFormat format = plan == Plan.ISO ? DiskFormat.ISO : DiskFormat.QCOW2;
        return PolicyFixtures.image(owner, plan, format, origin, LicenseType.NONE, 1 << 20);
    }

    @Test
    void shareAllowedExactlyInSameRegionWithAnotherTenant() {
        qt().forAll(tenants(), tenants(), plans())
                .checkAssert((owner, member, plan) -> {
                    if (owner.id().equals(member.id())) {
                        member = owner;
                    }
                    Image image = activeImage(owner, plan, Origin.PRIVATE);

                    Decision decision = engine.addMember(Caller.of(owner.id()), image, owner, member,
                            Optional.empty());

                    boolean expected = owner.sameRegion(member) && !owner.id().equals(member.id());
                    assertThat(decision.isAllowed()).as(decision.toString()).isEqualTo(expected);
                    if (!expected) {
                        assertThat(decision.codes())
                                .containsAnyOf(ReasonCode.SHARE_ACROSS_REGIONS, ReasonCode.SHARE_WITH_SELF);
                    }
                });
    }

    @Test
    void copyAllowedExactlyInSameContractForNonOfficialImages() {
        qt().forAll(tenants(), tenants(), plans(), origins())
                .checkAssert((owner, destination, plan, origin) -> {
                    if (owner.id().equals(destination.id())) {
                        destination = owner;
                    }
                    Image image = activeImage(owner, plan, origin);
                    Caller caller = Caller.of(owner.id(), destination.id());

                    Decision decision = engine.copy(caller, image, owner, destination,
                            CopyRequest.of(image.id(), destination.id()).acknowledgingDataTransfer(),
                            TenantUsage.empty(destination.id()));

                    boolean expected = owner.sameContract(destination) && origin != Origin.OFFICIAL;
                    assertThat(decision.isAllowed()).as(decision.toString()).isEqualTo(expected);
                });
    }

    @Test
    void everyDenialCarriesAReason() {
        qt().forAll(tenants(), tenants(), plans(), origins())
                .checkAssert((owner, other, plan, origin) -> {
                    Image image = activeImage(owner, plan, origin);
                    Caller caller = Caller.of(other.id());
                    Decision[] decisions = {
                        engine.addMember(caller, image, owner, other, Optional.empty()),
                        engine.copy(caller, image, owner, other, CopyRequest.of(image.id(), other.id()),
                                TenantUsage.empty(other.id())),
                        engine.download(caller, other, image, owner, Optional.empty()),
                        engine.delete(caller, image),
                    };
                    for (Decision decision : decisions) {
                        if (decision.isDenied()) {
                            assertThat(decision.denials()).as(decision.toString()).isNotEmpty();
                        }
                    }
                });
    }
}
