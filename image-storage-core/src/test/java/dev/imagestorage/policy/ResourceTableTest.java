package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.TenantUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What can be created from what: resources from templates and ISO images through {@link PolicyEngine#launch}, images
 * from resources through {@link PolicyEngine#capture}, and the minimum disk, virtual size and minimum memory a
 * resource must meet.
 */
class ResourceTableTest {
    private final PolicyEngine engine = new PolicyEngine(PolicyFixtures.catalog());
    private final Caller owner = Caller.of(A_JP1.id());

    private Decision launch(Image image, LaunchRequest request) {
        return engine.launch(owner, A_JP1, image, A_JP1, Optional.empty(), request);
    }

    private Decision capture(ResourceType source, RegisterRequest request) {
        return engine.capture(owner, A_JP1, source, request, TenantUsage.empty(A_JP1.id()));
    }

    /** Builds a request the resource table allows for {@code format}, using ISO images as OS installers. */
    private static LaunchRequest request(DiskFormat format, ResourceType resource, int diskGb, int memoryMb) {
        return format == DiskFormat.ISO
                ? LaunchRequest.fromIso(resource, IsoPurpose.OS_INSTALLER, diskGb, memoryMb)
                : LaunchRequest.of(resource, diskGb, memoryMb);
    }

    /** Lists every format with each resource the table allows it to create. */
    static Stream<Arguments> allowedResources() {
        List<Arguments> cases = new ArrayList<>();
        for (DiskFormat format : List.of(DiskFormat.RAW, DiskFormat.QCOW2)) {
            cases.add(Arguments.of(format, ResourceType.VIRTUAL_SERVER));
            cases.add(Arguments.of(format, ResourceType.BOOTABLE_VOLUME));
            cases.add(Arguments.of(format, ResourceType.DATA_VOLUME));
        }
        for (ResourceType resource : ResourceType.values()) {
            cases.add(Arguments.of(DiskFormat.ISO, resource));
        }
        return cases.stream();
    }

    /** Lists the formats with each server they can create, for the minimum memory rule. */
    static Stream<Arguments> allowedServers() {
        return allowedResources().filter(arguments -> ((ResourceType) arguments.get()[1]).isServer());
    }

    /** Lists the formats with each volume they can create. */
    static Stream<Arguments> allowedVolumes() {
        return allowedResources().filter(arguments -> ((ResourceType) arguments.get()[1]).isVolume());
    }

    @Nested
    class ResourceFromTemplate {
        @ParameterizedTest(name = "{0} template creates {1}: {2}")
        @CsvSource({
            "RAW,   BAREMETAL_SERVER, false",
            "RAW,   VIRTUAL_SERVER,   true",
            "RAW,   BOOTABLE_VOLUME,  true",
            "RAW,   DATA_VOLUME,      true",
            "QCOW2, BAREMETAL_SERVER, false",
            "QCOW2, VIRTUAL_SERVER,   true",
            "QCOW2, BOOTABLE_VOLUME,  true",
            "QCOW2, DATA_VOLUME,      true",
        })
        void resourceTableCell(DiskFormat format, ResourceType resource, boolean allowed) {
            Image template = ImageBuilder.template(A_JP1, format).build();

            Decision decision = launch(template, LaunchRequest.of(resource, 10, 1024));

            assertThat(decision.isAllowed()).as(decision.toString()).isEqualTo(allowed);
            if (allowed) {
                assertThat(decision.reasons()).isEmpty();
            } else {
                assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_NOT_SUPPORTED);
                assertThat(decision.denials().get(0).message()).contains("baremetal server");
            }
        }

        @ParameterizedTest
        @EnumSource(IsoPurpose.class)
        void isoPurposeForTemplateDenied(IsoPurpose purpose) {
            Image template = ImageBuilder.template(A_JP1).build();

            Decision decision = launch(template, LaunchRequest.fromIso(ResourceType.VIRTUAL_SERVER, purpose, 10, 1024));

            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_ISO_PURPOSE);
            assertThat(decision.denials().get(0).message()).contains("template").contains(purpose.name());
        }
    }

    @Nested
    class ResourceFromIso {
        @ParameterizedTest(name = "ISO as {1} creates {0}: {2}")
        @CsvSource({
            "BAREMETAL_SERVER, OS_INSTALLER,         true",
            "BAREMETAL_SERVER, MIDDLEWARE_INSTALLER, true",
            "VIRTUAL_SERVER,   OS_INSTALLER,         true",
            "VIRTUAL_SERVER,   MIDDLEWARE_INSTALLER, false",
            "BOOTABLE_VOLUME,  OS_INSTALLER,         true",
            "BOOTABLE_VOLUME,  MIDDLEWARE_INSTALLER, false",
            "DATA_VOLUME,      OS_INSTALLER,         true",
            "DATA_VOLUME,      MIDDLEWARE_INSTALLER, false",
        })
        void resourceTableCell(ResourceType resource, IsoPurpose purpose, boolean allowed) {
            Image iso = ImageBuilder.iso(A_JP1).build();

            Decision decision = launch(iso, LaunchRequest.fromIso(resource, purpose, 10, 1024));

            assertThat(decision.isAllowed()).as(decision.toString()).isEqualTo(allowed);
            if (allowed) {
                assertThat(decision.reasons()).isEmpty();
            } else {
                assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_ISO_PURPOSE);
                assertThat(decision.denials().get(0).message())
                        .contains("middleware only on a baremetal server")
                        .contains(PolicyEngine.label(resource));
            }
        }

        @ParameterizedTest
        @EnumSource(ResourceType.class)
        void missingPurposeDenied(ResourceType resource) {
            Image iso = ImageBuilder.iso(A_JP1).build();

            Decision decision = launch(iso, LaunchRequest.of(resource, 10, 1024));

            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_ISO_PURPOSE);
            assertThat(decision.denials().get(0).message()).contains("OS_INSTALLER or MIDDLEWARE_INSTALLER");
        }
    }

    @Nested
    class ImageFromResource {
        @ParameterizedTest(name = "{0} template from {1}: {2}")
        @CsvSource({
            "RAW,   BAREMETAL_SERVER, false",
            "RAW,   VIRTUAL_SERVER,   true",
            "RAW,   BOOTABLE_VOLUME,  true",
            "RAW,   DATA_VOLUME,      true",
            "QCOW2, BAREMETAL_SERVER, false",
            "QCOW2, VIRTUAL_SERVER,   true",
            "QCOW2, BOOTABLE_VOLUME,  true",
            "QCOW2, DATA_VOLUME,      true",
        })
        void templateTableCell(DiskFormat format, ResourceType source, boolean allowed) {
            Decision decision = capture(source, RegisterRequest.template("captured", format).build());

            assertThat(decision.isAllowed()).as(decision.toString()).isEqualTo(allowed);
            if (allowed) {
                assertThat(decision.reasons()).isEmpty();
            } else {
                assertThat(decision.codes()).containsExactly(ReasonCode.CAPTURE_NOT_SUPPORTED);
                assertThat(decision.denials().get(0).message()).contains("baremetal server");
            }
        }

        @ParameterizedTest
        @EnumSource(ResourceType.class)
        void isoFromAnyResourceDenied(ResourceType source) {
            Decision decision = capture(source, RegisterRequest.iso("captured").build());

            assertThat(decision.codes()).containsExactly(ReasonCode.CAPTURE_NOT_SUPPORTED);
            assertThat(decision.denials().get(0).message()).contains("ISO images are uploaded");
        }

        @Test
        void captureAppliesRegistrationRules() {
            Decision decision = capture(ResourceType.VIRTUAL_SERVER,
                    RegisterRequest.of(Plan.TEMPLATE, DiskFormat.ISO, "bad name").build());

            assertThat(decision.codes()).containsExactly(ReasonCode.NAME_CHARACTER, ReasonCode.PLAN_FORMAT_MISMATCH);
        }
    }

    @Nested
    class MinimumDisk {
        @ParameterizedTest(name = "{0} creating {1}")
        @MethodSource("dev.imagestorage.policy.ResourceTableTest#allowedResources")
        void diskEqualToMinimumAllowed(DiskFormat format, ResourceType resource) {
            Image image = ImageBuilder.of(A_JP1, format).minDiskGb(20).build();

            assertThat(launch(image, request(format, resource, 20, 1024)).reasons()).isEmpty();
        }

        @ParameterizedTest(name = "{0} creating {1}")
        @MethodSource("dev.imagestorage.policy.ResourceTableTest#allowedResources")
        void diskOneBelowMinimumDenied(DiskFormat format, ResourceType resource) {
            Image image = ImageBuilder.of(A_JP1, format).minDiskGb(20).build();

            Decision decision = launch(image, request(format, resource, 19, 1024));

            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_DISK_TOO_SMALL);
            assertThat(decision.denials().get(0).message())
                    .contains("a disk of 19 GB")
                    .contains("the 20 GB image")
                    .contains("minimum disk 20 GB");
        }

        @ParameterizedTest
        @EnumSource(DiskFormat.class)
        void noMinimumAllowsEmptyDisk(DiskFormat format) {
            Image image = ImageBuilder.of(A_JP1, format).build();

            assertThat(launch(image, request(format, ResourceType.VIRTUAL_SERVER, 0, 0)).reasons()).isEmpty();
        }
    }

    @Nested
    class VirtualSize {
        @ParameterizedTest(name = "{0} creating {1}")
        @MethodSource("dev.imagestorage.policy.ResourceTableTest#allowedResources")
        void diskEqualToVirtualSizeAllowed(DiskFormat format, ResourceType resource) {
            Image image = ImageBuilder.of(A_JP1, format).build().withVirtualSize(10 * Limits.GB, NOW);

            assertThat(launch(image, request(format, resource, 10, 1024)).reasons()).isEmpty();
        }

        @ParameterizedTest(name = "{0} creating {1}")
        @MethodSource("dev.imagestorage.policy.ResourceTableTest#allowedResources")
        void diskOneBelowVirtualSizeDenied(DiskFormat format, ResourceType resource) {
            Image image = ImageBuilder.of(A_JP1, format).build().withVirtualSize(10 * Limits.GB, NOW);

            Decision decision = launch(image, request(format, resource, 9, 1024));

            if (format == DiskFormat.ISO) {
                assertThat(decision.reasons()).as("an ISO image is read, not copied onto the disk").isEmpty();
                return;
            }
            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_DISK_TOO_SMALL);
            assertThat(decision.denials().get(0).message())
                    .contains("a disk of 9 GB")
                    .contains("the 10 GB image")
                    .contains("virtual size 10 GB");
        }

        @ParameterizedTest
        @EnumSource(value = DiskFormat.class, names = {"RAW", "QCOW2"})
        void partialGigabyteRoundsUp(DiskFormat format) {
            Image image = ImageBuilder.of(A_JP1, format).build().withVirtualSize(10 * Limits.GB + 1, NOW);

            Decision eleven = launch(image, request(format, ResourceType.BOOTABLE_VOLUME, 11, 0));
            Decision ten = launch(image, request(format, ResourceType.BOOTABLE_VOLUME, 10, 0));

            assertThat(eleven.reasons()).isEmpty();
            assertThat(ten.codes()).containsExactly(ReasonCode.LAUNCH_DISK_TOO_SMALL);
            assertThat(ten.denials().get(0).message()).contains("virtual size 11 GB");
        }

        @Test
        void largerOfMinimumAndVirtualSizeApplies() {
            Image virtualLarger = ImageBuilder.template(A_JP1).minDiskGb(5).build().withVirtualSize(8 * Limits.GB, NOW);
            Image minimumLarger = ImageBuilder.template(A_JP1).minDiskGb(12).build()
                    .withVirtualSize(8 * Limits.GB, NOW);

            assertThat(launch(virtualLarger, LaunchRequest.of(ResourceType.DATA_VOLUME, 8, 0)).reasons()).isEmpty();
            assertThat(launch(virtualLarger, LaunchRequest.of(ResourceType.DATA_VOLUME, 7, 0)).codes())
                    .containsExactly(ReasonCode.LAUNCH_DISK_TOO_SMALL);
            assertThat(launch(minimumLarger, LaunchRequest.of(ResourceType.DATA_VOLUME, 12, 0)).reasons()).isEmpty();
            assertThat(launch(minimumLarger, LaunchRequest.of(ResourceType.DATA_VOLUME, 11, 0)).codes())
                    .containsExactly(ReasonCode.LAUNCH_DISK_TOO_SMALL);
        }
    }

    @Nested
    class MinimumMemory {
        @ParameterizedTest(name = "{0} creating {1}")
        @MethodSource("dev.imagestorage.policy.ResourceTableTest#allowedServers")
        void memoryEqualToMinimumAllowed(DiskFormat format, ResourceType server) {
            Image image = ImageBuilder.of(A_JP1, format).minMemoryMb(2048).build();

            assertThat(launch(image, request(format, server, 10, 2048)).reasons()).isEmpty();
        }

        @ParameterizedTest(name = "{0} creating {1}")
        @MethodSource("dev.imagestorage.policy.ResourceTableTest#allowedServers")
        void memoryOneBelowMinimumDenied(DiskFormat format, ResourceType server) {
            Image image = ImageBuilder.of(A_JP1, format).minMemoryMb(2048).build();

            Decision decision = launch(image, request(format, server, 10, 2047));

            assertThat(decision.codes()).containsExactly(ReasonCode.LAUNCH_MEMORY_TOO_SMALL);
            assertThat(decision.denials().get(0).message())
                    .contains("memory of 2047 MB")
                    .contains("minimum memory of 2048 MB");
        }

        @ParameterizedTest(name = "{0} creating {1}")
        @MethodSource("dev.imagestorage.policy.ResourceTableTest#allowedVolumes")
        void volumesIgnoreMinimumMemory(DiskFormat format, ResourceType resource) {
            Image image = ImageBuilder.of(A_JP1, format).minMemoryMb(4096).build();

            assertThat(launch(image, request(format, resource, 10, 0)).reasons()).isEmpty();
        }

        @Test
        void diskAndMemoryBothListed() {
            Image image = ImageBuilder.template(A_JP1).minDiskGb(20).minMemoryMb(2048).build();

            Decision decision = launch(image, LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 19, 2047));

            assertThat(decision.codes())
                    .containsExactly(ReasonCode.LAUNCH_DISK_TOO_SMALL, ReasonCode.LAUNCH_MEMORY_TOO_SMALL);
        }
    }
}
