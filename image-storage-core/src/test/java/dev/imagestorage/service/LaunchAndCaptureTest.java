package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.policy.ReasonCode;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Resources created from images, billed to the tenant that creates them, and templates created from resources. */
class LaunchAndCaptureTest {
    private static final OperatingSystem WINDOWS_2012_R2 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2012 R2 Standard");
    private static final LaunchRequest VIRTUAL_SERVER = LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 40, 4096);

    private final ServiceFixture fx = new ServiceFixture();
    private final ImageService service = fx.service;
    private final Caller acme = as(fx.acmeJp1);
    private final Caller globex = as(fx.globexJp1);

    @AfterEach
    void noStreamLeftOpen() {
        fx.assertNoOpenStreams();
    }

    private Image licensedTemplate() {
        Image queued = service.register(acme, RegisterRequest.template("windows", DiskFormat.RAW)
                .licenseType(LicenseType.LICENSE_SWITCH).os(WINDOWS_2012_R2).minDiskGb(30).minMemoryMb(2048)
                .build());
        return service.upload(acme, queued.id(), new ByteArrayInputStream(ServiceFixture.RAW));
    }

    @Test
    void ownerLaunchBilledToOwner() {
        Image image = licensedTemplate();

        LaunchGrant grant = service.launch(acme, image.id(), VIRTUAL_SERVER);

        assertThat(grant.image()).isEqualTo(image.id());
        assertThat(grant.billedTenant()).isEqualTo(fx.acmeJp1.id());
        assertThat(grant.osLicense()).isEqualTo(LicenseType.LICENSE_SWITCH);
        assertThat(grant.decision().isAllowed()).isTrue();
    }

    @Test
    void memberLaunchBilledToMember() {
        Image image = licensedTemplate();
        service.addMember(acme, image.id(), fx.globexJp1.id());
        service.accept(globex, image.id(), fx.globexJp1.id());

        LaunchGrant grant = service.launch(globex, image.id(), LaunchRequest.of(ResourceType.BOOTABLE_VOLUME, 30, 0));

        assertThat(grant.billedTenant()).isEqualTo(fx.globexJp1.id());
        assertThat(grant.osLicense()).isEqualTo(LicenseType.LICENSE_SWITCH);
    }

    @Test
    void pendingMemberLaunchDenied() {
        Image image = licensedTemplate();
        service.addMember(acme, image.id(), fx.globexJp1.id());

        assertThatThrownBy(() -> service.launch(globex, image.id(), VIRTUAL_SERVER))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.IMAGE_NOT_VISIBLE));
    }

    @Test
    void rejectedMemberLaunchDenied() {
        Image image = licensedTemplate();
        service.addMember(acme, image.id(), fx.globexJp1.id());
        service.reject(globex, image.id(), fx.globexJp1.id());

        assertThat(service.checkLaunch(globex, image.id(), VIRTUAL_SERVER).codes())
                .containsExactly(ReasonCode.IMAGE_NOT_VISIBLE);
    }

    @Test
    void launchBelowMinimumsDenied() {
        Image image = licensedTemplate();

        assertThat(service.checkLaunch(acme, image.id(), LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 29, 2047))
                .codes()).containsExactly(ReasonCode.LAUNCH_DISK_TOO_SMALL, ReasonCode.LAUNCH_MEMORY_TOO_SMALL);
        assertThat(service.checkLaunch(acme, image.id(), LaunchRequest.of(ResourceType.BAREMETAL_SERVER, 40, 4096))
                .codes()).containsExactly(ReasonCode.LAUNCH_NOT_SUPPORTED);
    }

    @Test
    void queuedImageLaunchDenied() {
        Image queued = service.register(acme, RegisterRequest.template("queued", DiskFormat.RAW).build());

        assertThat(service.checkLaunch(acme, queued.id(), VIRTUAL_SERVER).codes())
                .containsExactly(ReasonCode.IMAGE_NOT_ACTIVE);
    }

    @Test
    void isoLaunchGrantsInstaller() {
        Image iso = fx.activeIso(acme, "installer");

        LaunchGrant grant = service.launch(acme, iso.id(),
                LaunchRequest.fromIso(ResourceType.BAREMETAL_SERVER, IsoPurpose.MIDDLEWARE_INSTALLER, 0, 0));

        assertThat(grant.osLicense()).isEqualTo(LicenseType.NONE);
        assertThat(grant.billedTenant()).isEqualTo(fx.acmeJp1.id());
    }

    @Test
    void captureDerivedFromOfficial() {
        Image captured = service.capture(acme, ResourceType.VIRTUAL_SERVER,
                RegisterRequest.template("captured", DiskFormat.QCOW2)
                        .derivedFromOfficial(ServiceFixture.OFFICIAL_TEMPLATE).build());

        assertThat(captured.status()).isEqualTo(ImageStatus.QUEUED);
        assertThat(captured.plan()).isEqualTo(Plan.TEMPLATE);
        assertThat(captured.origin()).isEqualTo(Origin.DERIVED_FROM_OFFICIAL);
        assertThat(captured.officialTemplate()).contains(ServiceFixture.OFFICIAL_TEMPLATE);
        assertThat(captured.owner()).isEqualTo(fx.acmeJp1.id());
        assertThat(service.listImages(acme)).extracting(Image::id).containsExactly(captured.id());

        Image active = service.upload(acme, captured.id(),
                new ByteArrayInputStream(ServiceFixture.fixture("tiny.qcow2")));
        assertThat(active.origin()).isEqualTo(Origin.DERIVED_FROM_OFFICIAL);
        assertThat(service.checkDownload(acme, active.id()).codes())
                .containsExactly(ReasonCode.DOWNLOAD_DERIVED_FROM_OFFICIAL);
    }

    @Test
    void captureFromVolumeIsPrivate() {
        Image captured = service.capture(acme, ResourceType.BOOTABLE_VOLUME,
                RegisterRequest.template("volume", DiskFormat.RAW).build());

        assertThat(captured.origin()).isEqualTo(Origin.PRIVATE);
        assertThat(captured.status()).isEqualTo(ImageStatus.QUEUED);
    }

    @Test
    void captureFromBaremetalDenied() {
        RegisterRequest request = RegisterRequest.template("bm", DiskFormat.RAW).build();

        assertThatThrownBy(() -> service.capture(acme, ResourceType.BAREMETAL_SERVER, request))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.CAPTURE_NOT_SUPPORTED));
        assertThat(service.listImages(acme)).isEmpty();
        assertThat(fx.repository().usage(fx.acmeJp1.id()).count(Plan.TEMPLATE)).isZero();
    }

    @Test
    void captureOfIsoDenied() {
        assertThatThrownBy(() -> service.capture(acme, ResourceType.VIRTUAL_SERVER,
                RegisterRequest.iso("iso").build()))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.CAPTURE_NOT_SUPPORTED));
        assertThat(service.listImages(acme)).isEmpty();
        assertThat(fx.repository().usage(fx.acmeJp1.id()).count(Plan.ISO)).isZero();
    }

    @Test
    void captureTakesQuotaSlot() {
        service.capture(acme, ResourceType.VIRTUAL_SERVER, RegisterRequest.template("one", DiskFormat.RAW).build());

        assertThat(fx.repository().usage(fx.acmeJp1.id()).count(Plan.TEMPLATE)).isEqualTo(1);
    }
}
