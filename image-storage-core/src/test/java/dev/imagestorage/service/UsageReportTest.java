package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who pays for which image storage, and from when. */
class UsageReportTest {
    private final ManualClock clock = new ManualClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final ServiceFixture fx = new ServiceFixture(ServiceFixture.catalog(), executor, clock);
    private final ImageService service = fx.service;
    private final Caller acme = as(fx.acmeJp1, fx.acmeJp2);
    private final Caller globex = as(fx.globexJp1);

    @AfterEach
    void noStreamLeftOpen() {
        fx.assertNoOpenStreams();
    }

    private UsageReport.Line line(TenantId tenant) {
        return service.usageReport(tenant).lines().get(0);
    }

    /** Registers a raw template, advances the clock by an hour and uploads, so that saving is later than registering. */
    private Image uploadAnHourLater(Caller caller, String name) {
        Image queued = service.register(caller, RegisterRequest.template(name, DiskFormat.RAW).build());
        clock.advance(Duration.ofHours(1));
        return service.upload(caller, queued.id(), new ByteArrayInputStream(ServiceFixture.RAW));
    }

    @Test
    void ownerBilledFromSave() {
        Image image = uploadAnHourLater(acme, "template");
        Instant savedAt = clock.instant();
        clock.advance(Duration.ofHours(1));

        UsageReport report = service.usageReport(fx.acmeJp1.id());

        assertThat(report.generatedAt()).isEqualTo(clock.instant());
        assertThat(report.lines()).singleElement().satisfies(line -> {
            assertThat(line.tenant()).isEqualTo(fx.acmeJp1.id());
            assertThat(line.contract()).isEqualTo(fx.acmeJp1.contract());
            assertThat(line.region()).isEqualTo(fx.acmeJp1.region());
            assertThat(line.billedImages()).containsExactly(new UsageReport.BilledImage(image.id(), Plan.TEMPLATE,
                    ServiceFixture.RAW.length, savedAt));
            assertThat(line.billedBytes()).isEqualTo(ServiceFixture.RAW.length);
            assertThat(line.billedBytes(Plan.ISO)).isZero();
        });
        assertThat(savedAt).isAfter(image.createdAt());
    }

    @Test
    void queuedImageNotBilled() {
        service.register(acme, RegisterRequest.template("queued", DiskFormat.RAW).build());

        assertThat(line(fx.acmeJp1.id()).billedImages()).isEmpty();
    }

    @Test
    void memberUsingSharePaysNothing() {
        Image image = uploadAnHourLater(acme, "template");
        service.addMember(acme, image.id(), fx.globexJp1.id());
        service.accept(globex, image.id(), fx.globexJp1.id());

        UsageReport.Line member = line(fx.globexJp1.id());

        assertThat(member.billedImages()).isEmpty();
        assertThat(member.billedBytes()).isZero();
        assertThat(member.sharedImagesUsed()).containsExactly(image.id());
        assertThat(line(fx.acmeJp1.id()).billedImages()).extracting(UsageReport.BilledImage::image)
                .containsExactly(image.id());
    }

    @Test
    void pendingMemberListsNoShare() {
        Image image = uploadAnHourLater(acme, "template");
        service.addMember(acme, image.id(), fx.globexJp1.id());

        assertThat(line(fx.globexJp1.id()).sharedImagesUsed()).isEmpty();
    }

    @Test
    void copyBilledToDestinationOnceSaved() {
        Image image = uploadAnHourLater(acme, "template");
        CopyJob job = service.copy(acme, CopyRequest.of(image.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());
        assertThat(job.status()).isEqualTo(CopyJobStatus.QUEUED);
        clock.advance(Duration.ofHours(1));

        assertThat(line(fx.acmeJp2.id()).billedImages()).isEmpty();

        clock.advance(Duration.ofHours(1));
        Instant copiedAt = clock.instant();
        executor.runAll();
        clock.advance(Duration.ofHours(1));

        assertThat(line(fx.acmeJp2.id()).billedImages()).containsExactly(new UsageReport.BilledImage(
                job.destination(), Plan.TEMPLATE, ServiceFixture.RAW.length, copiedAt));
        assertThat(line(fx.acmeJp1.id()).billedImages()).extracting(UsageReport.BilledImage::image)
                .containsExactly(image.id());
    }

    @Test
    void contractReportHasLinePerTenant() {
        uploadAnHourLater(acme, "one");
        uploadAnHourLater(as(fx.acme2Jp1), "two");

        UsageReport report = service.usageReport(fx.acmeJp1.contract());

        assertThat(report.lines()).extracting(UsageReport.Line::tenant)
                .containsExactlyInAnyOrder(fx.acmeJp1.id(), fx.acme2Jp1.id(), fx.acmeJp2.id());
        assertThat(report.lines()).filteredOn(l -> l.tenant().equals(fx.acmeJp2.id())).singleElement()
                .satisfies(l -> assertThat(l.billedImages()).isEmpty());
    }

    @Test
    void deletedImageNotBilled() {
        Image image = uploadAnHourLater(acme, "template");
        service.addMember(acme, image.id(), fx.globexJp1.id());
        service.accept(globex, image.id(), fx.globexJp1.id());

        service.delete(acme, image.id());

        assertThat(line(fx.acmeJp1.id()).billedImages()).isEmpty();
        assertThat(line(fx.globexJp1.id()).sharedImagesUsed()).isEmpty();
    }

    @Test
    void killedImageNotBilled() {
        Image queued = service.register(acme, RegisterRequest.template("bad", DiskFormat.QCOW2).build());
        assertThatThrownBy(() -> service.upload(acme, queued.id(), new ByteArrayInputStream(ServiceFixture.RAW)))
                .isInstanceOf(UploadRejectedException.class);

        assertThat(service.image(acme, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
        assertThat(line(fx.acmeJp1.id()).billedImages()).isEmpty();
    }

    @Test
    void cancelledCopyNeverBilled() {
        Image image = uploadAnHourLater(acme, "template");
        CopyJob job = service.copy(acme, CopyRequest.of(image.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());

        service.cancelCopy(acme, job.id());
        executor.runAll();

        assertThat(line(fx.acmeJp2.id()).billedImages()).isEmpty();
    }
}
