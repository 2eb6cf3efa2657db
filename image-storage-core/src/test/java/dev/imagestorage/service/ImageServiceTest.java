package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static dev.imagestorage.service.ServiceFixture.fixture;
import static dev.imagestorage.service.ServiceFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.NotFoundException;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.UploadChannel;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.spi.BlobKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageServiceTest {
    private static final byte[] QCOW2 = fixture("tiny.qcow2");
    private static final byte[] ISO = fixture("tiny.iso");
    private static final byte[] RAW = fixture("tiny.raw");

    private static final OperatingSystem RHEL =
            OperatingSystem.of(OsFamily.RED_HAT_ENTERPRISE_LINUX, "Red Hat Enterprise Linux 9");
    private static final OperatingSystem WINDOWS_2012_R2 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2012 R2 Standard");

    private final ServiceFixture fx = new ServiceFixture();
    private final ImageService service = fx.service;
    private final Caller acme = as(fx.acmeJp1);

    @AfterEach
    void noStreamLeftOpen() {
        for (RegionId region : Catalog.defaults().regions()) {
            fx.storage.blobs(region).assertNoOpenStreams();
        }
    }

    private Image uploadTemplate(Caller caller, RegisterRequest request, byte[] bytes) {
        Image queued = service.register(caller, request);
        return service.upload(caller, queued.id(), new ByteArrayInputStream(bytes));
    }

    private Image activeTemplate() {
        return uploadTemplate(acme, RegisterRequest.template("template", DiskFormat.QCOW2).build(), QCOW2);
    }

    private boolean blobExists(Image image) {
        return fx.storage.blobs(image.region()).stat(BlobKey.of(image.id())).isPresent();
    }

    @Test
    void registerStoresQueuedImage() {
        Image image = service.register(acme, RegisterRequest.template("ubuntu", DiskFormat.QCOW2).tag("linux")
                .minDiskGb(10).minMemoryMb(1024).build());

        assertThat(image.status()).isEqualTo(ImageStatus.QUEUED);
        assertThat(image.owner()).isEqualTo(fx.acmeJp1.id());
        assertThat(image.region()).isEqualTo(RegionId.of("JP1"));
        assertThat(image.tags()).containsExactly("linux");
        assertThat(service.image(acme, image.id())).isEqualTo(image);
    }

    @Test
    void uploadQcow2BecomesActive() {
        Image image = activeTemplate();

        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(image.sizeBytes()).isEqualTo(QCOW2.length);
        assertThat(image.sha256()).contains(sha256(QCOW2));
        assertThat(blobExists(image)).isTrue();
        assertThat(service.image(acme, image.id()).status()).isEqualTo(ImageStatus.ACTIVE);
    }

    @Test
    void uploadIsoBecomesActive() {
        Image queued = service.register(acme, RegisterRequest.iso("installer").build());

        Image image = service.upload(acme, queued.id(), new ByteArrayInputStream(ISO));

        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(image.sha256()).contains(sha256(ISO));
    }

    @Test
    void uploadWithMatchingChecksumAccepted() {
        Image queued = service.register(acme, RegisterRequest.template("raw", DiskFormat.RAW).build());

        Image image = service.upload(acme, queued.id(), new ByteArrayInputStream(RAW), sha256(RAW));

        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
    }

    @Test
    void uploadWithWrongChecksumKilled() {
        Image queued = service.register(acme, RegisterRequest.template("raw", DiskFormat.RAW).build());

        assertThatThrownBy(() -> service.upload(acme, queued.id(), new ByteArrayInputStream(RAW), "0".repeat(64)))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_CHECKSUM_MISMATCH))
                .hasMessageContaining("0".repeat(64))
                .hasMessageContaining(sha256(RAW));
        assertKilledWithoutData(queued);
    }

    @Test
    void qcow2DeclaredRawKilled() {
        Image queued = service.register(acme, RegisterRequest.template("mislabelled", DiskFormat.RAW).build());

        assertThatThrownBy(() -> service.upload(acme, queued.id(), new ByteArrayInputStream(QCOW2)))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_MISMATCH));
        assertKilledWithoutData(queued);
    }

    @Test
    void rawDeclaredQcow2Killed() {
        Image queued = service.register(acme, RegisterRequest.template("mislabelled", DiskFormat.QCOW2).build());

        assertThatThrownBy(() -> service.upload(acme, queued.id(), new ByteArrayInputStream(RAW)))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_MISMATCH));
        assertKilledWithoutData(queued);
    }

    @Test
    void qcow2WithBackingFileKilled() {
        Image queued = service.register(acme, RegisterRequest.template("backed", DiskFormat.QCOW2).build());

        assertThatThrownBy(() -> service.upload(acme, queued.id(),
                new ByteArrayInputStream(fixture("with-backing.qcow2"))))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_QCOW2_BACKING_FILE));
        assertKilledWithoutData(queued);
    }

    @Test
    void qcow2WithDataFileKilled() {
        Image queued = service.register(acme, RegisterRequest.template("external", DiskFormat.QCOW2).build());

        assertThatThrownBy(() -> service.upload(acme, queued.id(),
                new ByteArrayInputStream(fixture("with-data-file.qcow2"))))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_QCOW2_DATA_FILE));
        assertKilledWithoutData(queued);
    }

    @Test
    void emptyUploadKilled() {
        Image queued = service.register(acme, RegisterRequest.template("empty", DiskFormat.RAW).build());

        assertThatThrownBy(() -> service.upload(acme, queued.id(), new ByteArrayInputStream(new byte[0])))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_EMPTY));
        assertKilledWithoutData(queued);
    }

    @Test
    void streamFailingHalfWayKilled() {
        Image queued = service.register(acme, RegisterRequest.template("broken", DiskFormat.RAW).build());
        InputStream failing = new FailingInputStream(RAW, 200_000);

        assertThatThrownBy(() -> service.upload(acme, queued.id(), failing))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_READ_FAILED))
                .hasMessageContaining("connection reset");
        assertKilledWithoutData(queued);
        assertThat(fx.storage.blobs(RegionId.of("JP1")).unfinishedUploadCount()).isZero();
    }

    @Test
    void uploadOverSizeLimitKilled() {
        ServiceFixture small = new ServiceFixture(
                Catalog.defaults().withLimits(Limits.defaults().withMaxImageSizeBytes(100_000)), Runnable::run);
        Caller caller = as(small.acmeJp1);
        Image queued = small.service.register(caller, RegisterRequest.template("big", DiskFormat.RAW).build());

        assertThatThrownBy(() -> small.service.upload(caller, queued.id(), new FailingInputStream(RAW, 10_000_000)))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_SIZE_LIMIT))
                .hasMessageContaining("100,000 bytes");
        assertThat(small.service.image(caller, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
        assertThat(small.storage.blobs(RegionId.of("JP1")).stat(BlobKey.of(queued.id()))).isEmpty();
    }

    @Test
    void portalUploadOverLimitKilled() {
        ServiceFixture small = new ServiceFixture(
                ServiceFixture.catalog().withLimits(Limits.defaults().withMaxPortalUploadBytes(100_000)),
                Runnable::run);
        Caller caller = as(small.acmeJp1);
        Image queued = small.service.register(caller, RegisterRequest.template("big", DiskFormat.RAW).build());
        UploadOptions portal = new UploadOptions(UploadChannel.PORTAL, java.util.Optional.empty(),
                java.util.OptionalLong.empty());

        assertThatThrownBy(() -> small.service.upload(caller, queued.id(), new FailingInputStream(RAW, 10_000_000),
                portal))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_SIZE_LIMIT))
                .hasMessageContaining("portal upload limit of 100,000 bytes")
                .hasMessageContaining("through the API");
        assertThat(small.service.image(caller, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
    }

    @Test
    void portalUploadWithinLimitAccepted() {
        Image queued = service.register(acme, RegisterRequest.template("raw", DiskFormat.RAW).build());

        Image image = service.upload(acme, queued.id(), new ByteArrayInputStream(RAW),
                UploadOptions.portal(RAW.length));

        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
    }

    @Test
    void declaredSizeMismatchKilled() {
        Image queued = service.register(acme, RegisterRequest.template("raw", DiskFormat.RAW).build());

        assertThatThrownBy(() -> service.upload(acme, queued.id(), new ByteArrayInputStream(RAW),
                UploadOptions.portal(RAW.length + 1L)))
                .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_SIZE_MISMATCH))
                .hasMessageContaining("declared as " + (RAW.length + 1) + " bytes but " + RAW.length);
        assertKilledWithoutData(queued);
    }

    @Test
    void secondUploadDenied() {
        Image image = activeTemplate();

        assertThatThrownBy(() -> service.upload(acme, image.id(), new ByteArrayInputStream(QCOW2)))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.IMAGE_NOT_QUEUED));
        assertThat(service.image(acme, image.id())).isEqualTo(image);
    }

    @Test
    void uploadByOtherTenantDenied() {
        Image queued = service.register(acme, RegisterRequest.template("mine", DiskFormat.RAW).build());

        assertThatThrownBy(() -> service.upload(as(fx.acme2Jp1), queued.id(), new ByteArrayInputStream(RAW)))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.IMAGE_NOT_OWNER));
        assertThat(service.image(acme, queued.id()).status()).isEqualTo(ImageStatus.QUEUED);
    }

    @Test
    void deniedRegistrationTakesNoQuota() {
        assertThatThrownBy(() -> service.register(acme, RegisterRequest.template("bad name", DiskFormat.RAW).build()))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.NAME_CHARACTER))
                .hasMessageContaining("position 4");
        assertThat(service.listImages(acme)).isEmpty();
    }

    @Test
    void quotaCountsUntilDeletion() {
        ServiceFixture small = new ServiceFixture(
                Catalog.defaults().withLimits(Limits.defaults().withMaxImagesPerPlanPerTenant(2)), Runnable::run);
        Caller caller = as(small.acmeJp1);
        RegisterRequest request = RegisterRequest.template("t", DiskFormat.RAW).build();
        Image first = small.service.register(caller, request);
        small.service.register(caller, request);

        assertThatThrownBy(() -> small.service.register(caller, request))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.QUOTA_IMAGES_PER_PLAN));
        assertThat(small.service.register(caller, RegisterRequest.iso("iso").build()).plan()).isEqualTo(Plan.ISO);

        small.service.delete(caller, first.id());
        assertThat(small.service.register(caller, request).status()).isEqualTo(ImageStatus.QUEUED);
    }

    @Test
    void racingRegistrationsTakeLastSlotOnce() throws Exception {
        ServiceFixture small = new ServiceFixture(
                Catalog.defaults().withLimits(Limits.defaults().withMaxImagesPerPlanPerTenant(3)), Runnable::run);
        Caller caller = as(small.acmeJp1);
        RegisterRequest request = RegisterRequest.template("t", DiskFormat.RAW).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger denied = new AtomicInteger();
        try {
            List<Callable<Void>> attempts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                attempts.add(() -> {
                    try {
                        small.service.register(caller, request);
                    } catch (OperationDeniedException e) {
                        denied.incrementAndGet();
                    }
                    return null;
                });
            }
            for (Future<Void> result : pool.invokeAll(attempts)) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(small.service.listImages(caller)).hasSize(3);
        assertThat(denied).hasValue(13);
    }

    @Test
    void shareNeedsAcceptance() {
        Image image = activeTemplate();
        Caller globex = as(fx.globexJp1);

        service.addMember(acme, image.id(), fx.globexJp1.id());
        assertThat(service.listImages(globex)).isEmpty();
        assertThatThrownBy(() -> service.image(globex, image.id())).isInstanceOf(NotFoundException.class);

        service.accept(globex, image.id(), fx.globexJp1.id());
        assertThat(service.listImages(globex)).extracting(Image::id).containsExactly(image.id());
        assertThat(service.image(globex, image.id())).isEqualTo(image);

        service.reject(globex, image.id(), fx.globexJp1.id());
        assertThat(service.listImages(globex)).isEmpty();

        service.accept(globex, image.id(), fx.globexJp1.id());
        assertThat(service.listImages(globex)).hasSize(1);
        assertThat(service.listMembers(acme, image.id()))
                .extracting(m -> m.status())
                .containsExactly(MembershipStatus.ACCEPTED);
    }

    @Test
    void removingMemberEndsAccess() {
        Image image = activeTemplate();
        Caller globex = as(fx.globexJp1);
        service.addMember(acme, image.id(), fx.globexJp1.id());
        service.accept(globex, image.id(), fx.globexJp1.id());

        service.removeMember(acme, image.id(), fx.globexJp1.id());

        assertThat(service.listImages(globex)).isEmpty();
        assertThat(service.listMembers(acme, image.id())).isEmpty();
        assertThatThrownBy(() -> service.download(globex, image.id(), new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.IMAGE_NOT_VISIBLE));
    }

    @Test
    void deletingImageEndsAccess() {
        Image image = activeTemplate();
        Caller globex = as(fx.globexJp1);
        service.addMember(acme, image.id(), fx.globexJp1.id());
        service.accept(globex, image.id(), fx.globexJp1.id());

        service.delete(acme, image.id());

        assertThat(service.listImages(globex)).isEmpty();
        assertThat(service.listMemberships(globex)).isEmpty();
        assertThat(blobExists(image)).isFalse();
        assertThatThrownBy(() -> service.image(acme, image.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void shareAcrossRegionsDenied() {
        Image image = activeTemplate();

        assertThatThrownBy(() -> service.addMember(acme, image.id(), fx.globexJp2.id()))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.SHARE_ACROSS_REGIONS));
        assertThat(service.listMembers(acme, image.id())).isEmpty();
    }

    @Test
    void acceptForAnotherTenantDenied() {
        Image image = activeTemplate();
        service.addMember(acme, image.id(), fx.globexJp1.id());

        assertThatThrownBy(() -> service.accept(acme, image.id(), fx.globexJp1.id()))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.MEMBER_NOT_SELF));
        assertThat(service.listMembers(acme, image.id()).get(0).status()).isEqualTo(MembershipStatus.PENDING);
    }

    @Test
    void copyToOtherRegionOfSameContract() {
        Image image = activeTemplate();
        Caller caller = as(fx.acmeJp1, fx.acmeJp2);

        var job = service.copy(caller, CopyRequest.of(image.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());

        assertThat(job.status()).isEqualTo(dev.imagestorage.model.CopyJobStatus.SUCCEEDED);
        assertThat(job.percentDone()).isEqualTo(100);
        assertThat(job.bytesDone()).isEqualTo(QCOW2.length);
        Image copy = service.image(as(fx.acmeJp2), job.destination());
        assertThat(copy.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(copy.region()).isEqualTo(RegionId.of("JP2"));
        assertThat(copy.sha256()).isEqualTo(image.sha256());
        assertThat(copy.copiedFrom()).contains(image.id());
        assertThat(copy.origin()).isEqualTo(image.origin());
        assertThat(fx.storage.blobs(RegionId.of("JP2")).stat(BlobKey.of(copy.id()))).isPresent();
        assertThat(service.listJobs(caller)).extracting(j -> j.id()).containsExactly(job.id());
    }

    @Test
    void copyKeepsLicenseAndOrigin() {
        Image image = uploadTemplate(acme, RegisterRequest.template("licensed", DiskFormat.QCOW2)
                .licenseType(LicenseType.BYOL).os(RHEL).derivedFromOfficial(ServiceFixture.OFFICIAL_TEMPLATE).build(),
                QCOW2);

        var job = service.copy(as(fx.acmeJp1, fx.acme2Jp1), image.id(), fx.acme2Jp1.id());

        Image copy = service.image(as(fx.acme2Jp1), job.destination());
        assertThat(copy.licenseType()).isEqualTo(LicenseType.BYOL);
        assertThat(copy.origin()).isEqualTo(Origin.DERIVED_FROM_OFFICIAL);
    }

    @Test
    void copyAcrossContractsDeniedAndCreatesNothing() {
        Image image = activeTemplate();

        assertThatThrownBy(() -> service.copy(as(fx.acmeJp1, fx.globexJp1), image.id(), fx.globexJp1.id()))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.COPY_ACROSS_CONTRACTS));
        assertThat(service.listImages(as(fx.globexJp1))).isEmpty();
        assertThat(service.listJobs(acme)).isEmpty();
    }

    @Test
    void cancelledCopyLeavesNothing() {
        List<Runnable> queued = new ArrayList<>();
        ServiceFixture manual = new ServiceFixture(ServiceFixture.catalog(), queued::add);
        Caller caller = as(manual.acmeJp1, manual.acmeJp2);
        Image source = manual.service.register(caller, RegisterRequest.template("t", DiskFormat.QCOW2).build());
        manual.service.upload(caller, source.id(), new ByteArrayInputStream(QCOW2));

        var job = manual.service.copy(caller,
                CopyRequest.of(source.id(), manual.acmeJp2.id()).acknowledgingDataTransfer());
        assertThat(job.status()).isEqualTo(dev.imagestorage.model.CopyJobStatus.QUEUED);
        assertThat(manual.service.listImages(as(manual.acmeJp2))).hasSize(1);
        manual.service.cancelCopy(caller, job.id());
        queued.forEach(Runnable::run);

        assertThat(manual.service.job(caller, job.id()).status())
                .isEqualTo(dev.imagestorage.model.CopyJobStatus.CANCELLED);
        assertThat(manual.service.listImages(as(manual.acmeJp2))).isEmpty();
        assertThat(manual.storage.blobs(RegionId.of("JP2")).stat(BlobKey.of(job.destination()))).isEmpty();
        assertThat(manual.service.checkCancelCopy(caller, job.id()).codes())
                .containsExactly(ReasonCode.COPY_JOB_FINISHED);
        RegisterRequest request = RegisterRequest.template("t", DiskFormat.QCOW2).build();
        assertThat(manual.service.checkRegister(as(manual.acmeJp2), request).isAllowed()).isTrue();
    }

    @Test
    void failedCopyLeavesNothing() {
        Image image = activeTemplate();
        fx.storage.blobs(RegionId.of("JP1")).delete(BlobKey.of(image.id()));

        var job = service.copy(as(fx.acmeJp1, fx.acmeJp2),
                CopyRequest.of(image.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());

        assertThat(job.status()).isEqualTo(dev.imagestorage.model.CopyJobStatus.FAILED);
        assertThat(job.failure()).isPresent();
        assertThat(service.listImages(as(fx.acmeJp2))).isEmpty();
        assertThat(fx.storage.blobs(RegionId.of("JP2")).stat(BlobKey.of(job.destination()))).isEmpty();
    }

    @Test
    void downloadReturnsUploadedBytes() {
        Image image = activeTemplate();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Decision decision = service.download(acme, image.id(), out);

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        assertThat(out.toByteArray()).isEqualTo(QCOW2);
    }

    @Test
    void downloadOfDerivedImageDenied() {
        Image image = uploadTemplate(acme, RegisterRequest.template("derived", DiskFormat.QCOW2)
                .derivedFromOfficial(ServiceFixture.OFFICIAL_TEMPLATE).build(), QCOW2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> service.download(acme, image.id(), out))
                .isInstanceOfSatisfying(OperationDeniedException.class, e -> assertThat(e.decision().codes())
                        .containsExactly(ReasonCode.DOWNLOAD_DERIVED_FROM_OFFICIAL));
        assertThat(out.size()).isZero();
    }

    @Test
    void downloadOfContinuedUseImageWarns() {
        Image image = uploadTemplate(acme, RegisterRequest.template("continued", DiskFormat.QCOW2)
                .licenseType(LicenseType.PROVIDER_LICENSE_CONTINUED_USE).os(WINDOWS_2012_R2).build(), QCOW2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Decision decision = service.download(acme, image.id(), out);

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED_WITH_WARNINGS);
        assertThat(out.toByteArray()).isEqualTo(QCOW2);
    }

    @Test
    void protectedImageSurvivesDeleteUntilUnprotected() {
        Image image = uploadTemplate(acme, RegisterRequest.template("keep", DiskFormat.QCOW2).protect().build(),
                QCOW2);

        assertThatThrownBy(() -> service.delete(acme, image.id()))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.DELETE_PROTECTED));
        assertThat(blobExists(image)).isTrue();

        service.unprotect(acme, image.id());
        service.delete(acme, image.id());
        assertThat(blobExists(image)).isFalse();
    }

    @Test
    void unknownIdsNotFound() {
        assertThatThrownBy(() -> service.image(acme, dev.imagestorage.model.ImageId.of("missing")))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("image 'missing' not found");
        assertThatThrownBy(() -> service.register(Caller.of(TenantId.of("nobody")),
                RegisterRequest.iso("x").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("tenant 'nobody' not found");
    }

    @Test
    void tenantInUnknownRegionRejected() {
        assertThatThrownBy(() -> service.addTenant(TenantId.of("far"), dev.imagestorage.model.ContractId.of("acme"),
                RegionId.of("US1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("US1")
                .hasMessageContaining("JP1");
    }

    private void assertKilledWithoutData(Image queued) {
        assertThat(service.image(acme, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
        assertThat(fx.storage.blobs(queued.region()).stat(BlobKey.of(queued.id()))).isEmpty();
    }

    /** Returns the bytes of {@code data}, repeated, until {@code failAfter} bytes, then throws an IOException. */
    static final class FailingInputStream extends InputStream {
        private final byte[] data;
        private final long failAfter;
        private long position;

        FailingInputStream(byte[] data, long failAfter) {
            this.data = data;
            this.failAfter = failAfter;
        }

        @Override
        public int read() throws IOException {
            if (position >= failAfter) {
                throw new IOException("connection reset by peer");
            }
            return data[(int) (position++ % data.length)] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= failAfter) {
                throw new IOException("connection reset by peer");
            }
            int n = (int) Math.min(length, failAfter - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = data[(int) (position++ % data.length)];
            }
            return n;
        }
    }
}
