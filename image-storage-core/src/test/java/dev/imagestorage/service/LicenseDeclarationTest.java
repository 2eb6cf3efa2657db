package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.LicenseDeclaration;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.policy.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every registration that declares a license type or an operating system leaves a permanent record. */
class LicenseDeclarationTest {
    private static final OperatingSystem RHEL =
            OperatingSystem.of(OsFamily.RED_HAT_ENTERPRISE_LINUX, "Red Hat Enterprise Linux 9");
    private static final OperatingSystem WINDOWS_2012_R2 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2012 R2 Standard");
    private static final OperatingSystem UBUNTU = OperatingSystem.of(OsFamily.OTHER, "Ubuntu 24.04");

    private final ManualClock clock = new ManualClock();
    private final ServiceFixture fx = new ServiceFixture(ServiceFixture.catalog(), Runnable::run, clock);
    private final ImageService service = fx.service;
    private final Caller acme = as(fx.acmeJp1, fx.acme2Jp1);

    @Test
    void licensedRegistrationRecorded() {
        clock.advance(Duration.ofMinutes(5));
        Instant declaredAt = clock.instant();
        Image image = service.register(acme, RegisterRequest.template("rhel", DiskFormat.RAW)
                .licenseType(LicenseType.BYOL).os(RHEL).build());
        clock.advance(Duration.ofMinutes(5));

        assertThat(service.licenseDeclarations(fx.acmeJp1.id())).containsExactly(new LicenseDeclaration(
                image.id(), fx.acmeJp1.id(), fx.acmeJp1.id(), LicenseType.BYOL, Optional.of(RHEL), declaredAt));
    }

    @Test
    void eachDeclaringFormRecordedOldestFirst() {
        Image switched = service.register(acme, RegisterRequest.template("windows", DiskFormat.QCOW2)
                .licenseType(LicenseType.LICENSE_SWITCH).os(WINDOWS_2012_R2).build());
        Instant first = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        Image osOnly = service.register(acme, RegisterRequest.template("ubuntu", DiskFormat.RAW).os(UBUNTU).build());
        Instant second = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        Image byolIso = service.register(acme, RegisterRequest.iso("installer").licenseType(LicenseType.BYOL).build());
        Instant third = clock.instant();

        var declarations = service.licenseDeclarations(fx.acmeJp1.id());

        assertThat(declarations).extracting(LicenseDeclaration::image)
                .containsExactly(switched.id(), osOnly.id(), byolIso.id());
        assertThat(declarations).extracting(LicenseDeclaration::declaredAt).containsExactly(first, second, third);
        assertThat(declarations).extracting(LicenseDeclaration::licenseType)
                .containsExactly(LicenseType.LICENSE_SWITCH, LicenseType.NONE, LicenseType.BYOL);
        assertThat(declarations).extracting(LicenseDeclaration::os)
                .containsExactly(Optional.of(WINDOWS_2012_R2), Optional.of(UBUNTU), Optional.empty());
        assertThat(declarations).extracting(LicenseDeclaration::declaredBy).containsOnly(fx.acmeJp1.id());
    }

    @Test
    void plainImageNotRecorded() {
        service.register(acme, RegisterRequest.template("plain", DiskFormat.RAW).build());
        service.register(acme, RegisterRequest.iso("plain-iso").build());

        assertThat(service.licenseDeclarations(fx.acmeJp1.id())).isEmpty();
    }

    @Test
    void deniedRegistrationNotRecorded() {
        RegisterRequest windowsByol = RegisterRequest.template("windows", DiskFormat.RAW)
                .licenseType(LicenseType.BYOL).os(WINDOWS_2012_R2).build();

        assertThatThrownBy(() -> service.register(acme, windowsByol))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).contains(ReasonCode.LICENSE_FORM_NOT_OFFERED));
        assertThat(service.licenseDeclarations(fx.acmeJp1.id())).isEmpty();
    }

    @Test
    void declarationKeptAfterDeletion() {
        Image image = service.register(acme, RegisterRequest.template("rhel", DiskFormat.RAW)
                .licenseType(LicenseType.BYOL).os(RHEL).build());
        Instant declaredAt = clock.instant();
        clock.advance(Duration.ofDays(30));

        service.delete(acme, image.id());

        assertThat(service.licenseDeclarations(fx.acmeJp1.id())).singleElement().satisfies(declaration -> {
            assertThat(declaration.image()).isEqualTo(image.id());
            assertThat(declaration.declaredAt()).isEqualTo(declaredAt);
        });
    }

    @Test
    void captureRecordedLikeRegistration() {
        Image image = service.capture(acme, ResourceType.VIRTUAL_SERVER,
                RegisterRequest.template("captured", DiskFormat.QCOW2).licenseType(LicenseType.BYOL).os(RHEL)
                        .build());

        assertThat(service.licenseDeclarations(fx.acmeJp1.id())).extracting(LicenseDeclaration::image)
                .containsExactly(image.id());
    }

    @Test
    void declarationsKeptPerTenant() {
        service.register(acme, RegisterRequest.template("rhel", DiskFormat.RAW)
                .licenseType(LicenseType.BYOL).os(RHEL).build());
        Image other = service.register(as(fx.acme2Jp1), RegisterRequest.template("rhel", DiskFormat.RAW)
                .licenseType(LicenseType.BYOL).os(RHEL).build());

        assertThat(service.licenseDeclarations(fx.acmeJp1.id())).hasSize(1);
        assertThat(service.licenseDeclarations(fx.acme2Jp1.id())).extracting(LicenseDeclaration::image)
                .containsExactly(other.id());
        assertThat(service.licenseDeclarations(fx.globexJp1.id())).isEmpty();
    }
}
