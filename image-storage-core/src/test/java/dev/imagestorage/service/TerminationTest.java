package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.NotFoundException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.spi.BlobKey;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Termination of contract "acme": everything of its tenants goes, and contract "globex" keeps what is its own. */
class TerminationTest {
    private final ManualExecutor executor = new ManualExecutor();
    private final ServiceFixture fx = new ServiceFixture(ServiceFixture.catalog(), executor);
    private final ImageService service = fx.service;
    private final Caller acme = as(fx.acmeJp1, fx.acmeJp2);
    private final Caller acme2 = as(fx.acme2Jp1);
    private final Caller globex = as(fx.globexJp1, fx.globexJp2);
    private final List<Tenant> acmeTenants = List.of(fx.acmeJp1, fx.acmeJp2, fx.acme2Jp1);

    private Image protectedTemplate;
    private Image iso;
    private Image queued;
    private Image killed;
    private Image licensed;
    private Image globexImage;
    private CopyJob acmeJob;
    private CopyJob globexJob;

    /**
     * acme-jp1 holds a protected template shared with globex-jp1 (accepted) and acme2-jp1 (pending), an ISO image
     * attached to a baremetal server, a QUEUED, a KILLED and a license-declared image, and a copy job to acme-jp2
     * that waits in the executor. globex-jp1 holds an image shared with acme-jp1 (accepted) and acme2-jp1 (pending),
     * and a copy job of its own to globex-jp2.
     */
    @BeforeEach
    void populate() {
        Image template = service.register(acme, RegisterRequest.template("kept", DiskFormat.RAW).protect().build());
        protectedTemplate = service.upload(acme, template.id(), new ByteArrayInputStream(ServiceFixture.RAW));
        iso = fx.activeIso(acme, "installer");
        service.attachIso(acme, iso.id(), ServerRef.baremetal("bm-1"), ServerPhase.RUNNING);
        queued = service.register(acme, RegisterRequest.template("queued", DiskFormat.RAW).build());
        Image bad = service.register(acme, RegisterRequest.template("bad", DiskFormat.QCOW2).build());
        assertThatThrownBy(() -> service.upload(acme, bad.id(), new ByteArrayInputStream(ServiceFixture.RAW)))
                .isInstanceOf(UploadRejectedException.class);
        killed = service.image(acme, bad.id());
        licensed = service.register(acme, RegisterRequest.template("rhel", DiskFormat.RAW)
                .licenseType(LicenseType.BYOL)
                .os(OperatingSystem.of(OsFamily.RED_HAT_ENTERPRISE_LINUX, "Red Hat Enterprise Linux 9"))
                .build());

        service.addMember(acme, protectedTemplate.id(), fx.globexJp1.id());
        service.accept(globex, protectedTemplate.id(), fx.globexJp1.id());
        service.addMember(acme, protectedTemplate.id(), fx.acme2Jp1.id());

        globexImage = fx.activeTemplate(globex, "globex-image");
        service.addMember(globex, globexImage.id(), fx.acmeJp1.id());
        service.accept(acme, globexImage.id(), fx.acmeJp1.id());
        service.addMember(globex, globexImage.id(), fx.acme2Jp1.id());

        acmeJob = service.copy(acme,
                CopyRequest.of(protectedTemplate.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());
        globexJob = service.copy(globex,
                CopyRequest.of(globexImage.id(), fx.globexJp2.id()).acknowledgingDataTransfer());
        assertThat(executor.queuedCount()).isEqualTo(2);
    }

    @AfterEach
    void noStreamLeftOpen() {
        fx.assertNoOpenStreams();
    }

    @Test
    void reportListsEverythingRemoved() {
        TerminationReport report = service.terminateContract(fx.acmeJp1.contract());

        assertThat(report.contract()).isEqualTo(fx.acmeJp1.contract());
        assertThat(report.tenants()).containsExactlyInAnyOrder(fx.acmeJp1.id(), fx.acmeJp2.id(), fx.acme2Jp1.id());
        assertThat(report.deletedImages()).extracting(Image::id).containsExactlyInAnyOrder(protectedTemplate.id(),
                iso.id(), queued.id(), killed.id(), licensed.id(), acmeJob.destination());
        assertThat(report.deletedImages()).filteredOn(i -> i.id().equals(protectedTemplate.id()))
                .singleElement()
                .satisfies(image -> {
                    assertThat(image.deletionProtected()).isTrue();
                    assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
                });
        // Two members of the protected template, and acme-jp1's and acme2-jp1's memberships in globex's image.
        assertThat(report.endedMemberships()).isEqualTo(4);
        assertThat(report.cancelledJobs()).containsExactly(acmeJob.id());
    }

    @Test
    void everyImageAndBlobOfContractGone() {
        TerminationReport report = service.terminateContract(fx.acmeJp1.contract());

        for (Image image : report.deletedImages()) {
            assertThat(fx.repository().findImage(image.id()).orElseThrow().status()).as(image.name())
                    .isEqualTo(ImageStatus.DELETED);
            for (RegionId region : service.catalog().regions()) {
                assertThat(fx.storage.blobs(region).stat(BlobKey.of(image.id())))
                        .as(image.name() + " in " + region).isEmpty();
            }
        }
        for (Tenant tenant : acmeTenants) {
            assertThat(service.listImages(as(tenant))).as(tenant.id().value()).isEmpty();
            assertThat(service.listMemberships(as(tenant))).as(tenant.id().value()).isEmpty();
            assertThat(fx.repository().usage(tenant.id())).as(tenant.id().value())
                    .isEqualTo(TenantUsage.empty(tenant.id()));
        }
        assertThat(fx.repository().listAttachmentsOfImage(iso.id())).isEmpty();
        assertThat(fx.repository().listAttachmentsOfServer(ServerRef.baremetal("bm-1"))).isEmpty();
    }

    @Test
    void membershipsOfOtherContractEnd() {
        service.terminateContract(fx.acmeJp1.contract());

        assertThat(service.listImages(globex)).extracting(Image::id).containsExactly(globexImage.id());
        assertThat(service.listMemberships(globex)).isEmpty();
        assertThat(service.listMembers(globex, globexImage.id())).isEmpty();
    }

    @Test
    void cancelledCopyNeverLands() {
        service.terminateContract(fx.acmeJp1.contract());
        executor.runAll();

        assertThat(service.job(acme, acmeJob.id()).status()).isEqualTo(CopyJobStatus.CANCELLED);
        assertThat(fx.repository().findImage(acmeJob.destination()).orElseThrow().status())
                .isEqualTo(ImageStatus.DELETED);
        assertThat(fx.storage.blobs(fx.acmeJp2.region())
                .stat(BlobKey.of(acmeJob.destination()))).isEmpty();
        assertThat(fx.repository().usage(fx.acmeJp2.id())).isEqualTo(TenantUsage.empty(fx.acmeJp2.id()));
    }

    @Test
    void otherContractUntouched() {
        Image globexBefore = service.image(globex, globexImage.id());
        var globexJp2Usage = fx.repository().usage(fx.globexJp2.id());

        service.terminateContract(fx.acmeJp1.contract());
        executor.runAll();

        assertThat(service.image(globex, globexImage.id())).isEqualTo(globexBefore);
        assertThat(fx.hasBlob(globexImage)).isTrue();
        CopyJob job = service.job(globex, globexJob.id());
        assertThat(job.status()).isEqualTo(CopyJobStatus.SUCCEEDED);
        assertThat(service.image(as(fx.globexJp2), job.destination()).status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(fx.repository().usage(fx.globexJp2.id())).isEqualTo(globexJp2Usage);
        assertThat(service.tenant(fx.globexJp1.id()).standing()).isEqualTo(Standing.ACTIVE);
        assertThat(service.contract(fx.globexJp1.contract()).standing()).isEqualTo(Standing.ACTIVE);
        assertThat(service.checkRegister(globex, RegisterRequest.iso("new").build()).isAllowed()).isTrue();
    }

    @Test
    void repeatingChangesNothingMore() {
        service.terminateContract(fx.acmeJp1.contract());
        StoreSnapshot first = StoreSnapshot.of(fx.storage, service.catalog().regions());

        TerminationReport again = service.terminateContract(fx.acmeJp1.contract());

        assertThat(again.deletedImages()).isEmpty();
        assertThat(again.endedMemberships()).isZero();
        assertThat(again.cancelledJobs()).isEmpty();
        StoreSnapshot second = StoreSnapshot.of(fx.storage, service.catalog().regions());
        assertThat(second.blobs()).isEqualTo(first.blobs());
        assertThat(second.contents()).isEqualTo(first.contents());
    }

    @Test
    void terminatedTenantsCanDoNothing() {
        service.terminateContract(fx.acmeJp1.contract());

        for (Tenant tenant : acmeTenants) {
            assertThat(service.tenant(tenant.id()).standing()).isEqualTo(Standing.TERMINATED);
            assertThat(service.checkRegister(as(tenant), RegisterRequest.iso("new").build()).codes())
                    .as(tenant.id().value()).containsExactly(ReasonCode.TENANT_TERMINATED);
        }
        assertThat(service.checkCapture(acme, ResourceType.VIRTUAL_SERVER,
                RegisterRequest.template("captured", DiskFormat.RAW).build()).codes())
                .contains(ReasonCode.TENANT_TERMINATED);
        assertThat(service.checkDownload(acme, globexImage.id()).codes())
                .contains(ReasonCode.TENANT_TERMINATED);
        assertThat(service.checkAddMember(globex, globexImage.id(), fx.acmeJp1.id()).codes())
                .containsExactly(ReasonCode.DESTINATION_NOT_ACTIVE);
        assertThatThrownBy(() -> service.suspendTenant(fx.acmeJp1.id())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> service.liftContractSuspension(fx.acmeJp1.contract()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void addTenantToTerminatedContractFails() {
        service.terminateContract(fx.acmeJp1.contract());

        assertThatThrownBy(() -> service.addTenant(TenantId.of("acme-jp4"), fx.acmeJp1.contract(),
                RegionId.of("JP4")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("acme")
                .hasMessageContaining("terminated");
        assertThat(fx.repository().findTenant(TenantId.of("acme-jp4"))).isEmpty();
    }

    @Test
    void licenseDeclarationsSurvive() {
        service.terminateContract(fx.acmeJp1.contract());

        assertThat(service.licenseDeclarations(fx.acmeJp1.id()))
                .extracting(d -> d.image())
                .containsExactly(licensed.id());
    }

    @Test
    void unknownContractNotFound() {
        assertThatThrownBy(() -> service.terminateContract(ContractId.of("initech")))
                .isInstanceOf(NotFoundException.class);
        assertThat(service.contract(fx.acmeJp1.contract()).standing()).isEqualTo(Standing.ACTIVE);
        assertThat(service.image(acme, queued.id()).status()).isEqualTo(ImageStatus.QUEUED);
    }
}
