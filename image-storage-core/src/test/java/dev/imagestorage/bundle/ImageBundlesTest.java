package dev.imagestorage.bundle;

import static dev.imagestorage.bundle.Bundles.fixture;
import static dev.imagestorage.bundle.Bundles.json;
import static dev.imagestorage.bundle.Bundles.rawManifest;
import static dev.imagestorage.bundle.Bundles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.OfficialTemplate;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.memory.InMemoryStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.service.ImageService;
import dev.imagestorage.spi.BlobKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageBundlesTest {
    private static final byte[] QCOW2 = fixture("tiny.qcow2");
    private static final byte[] RAW = fixture("tiny.raw");

    private final InMemoryStorage storage = InMemoryStorage.create(
            Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC));
    private final ImageService service = ImageService.builder().storage(storage)
            .catalog(Catalog.defaults().withOfficialTemplate(
                    new OfficialTemplate("official-ubuntu", "Ubuntu (official)", Set.of(RegionId.of("JP1")))))
            .build();
    private final ImageBundles bundles = new ImageBundles(service);
    private final Caller acme = Caller.of(TenantId.of("acme-jp1"));
    private final Caller globex = Caller.of(TenantId.of("globex-jp2"));

    ImageBundlesTest() {
        service.addContract(ContractId.of("acme"));
        service.addContract(ContractId.of("globex"));
        service.addTenant(TenantId.of("acme-jp1"), ContractId.of("acme"), RegionId.of("JP1"));
        service.addTenant(TenantId.of("globex-jp2"), ContractId.of("globex"), RegionId.of("JP2"));
    }

    @AfterEach
    void noStreamLeftOpen() {
        for (RegionId region : Catalog.defaults().regions()) {
            storage.blobs(region).assertNoOpenStreams();
        }
    }

    private Image template(RegisterRequest request, byte[] bytes) {
        Image queued = service.register(acme, request);
        return service.upload(acme, queued.id(), new ByteArrayInputStream(bytes));
    }

    private byte[] export(Caller caller, Image image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bundles.export(caller, image.id(), out);
        return out.toByteArray();
    }

    private byte[] download(Caller caller, Image image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        service.download(caller, image.id(), out);
        return out.toByteArray();
    }

    private BundleRejectedException rejected(byte[] bundle) {
        BundleRejectedException e = assertThrows(BundleRejectedException.class,
                () -> bundles.importBundle(globex, new ByteArrayInputStream(bundle)));
        assertThat(service.listImages(globex)).as("images of globex-jp2").isEmpty();
        return e;
    }

    @Test
    void roundTripKeepsBytesAndProperties() {
        OperatingSystem os = OperatingSystem.of(OsFamily.OTHER, "Ubuntu 24.04");
        Image original = template(RegisterRequest.template("ubuntu-24.04", DiskFormat.QCOW2).tag("linux")
                .tag("lts").minDiskGb(10).minMemoryMb(2048).licenseType(LicenseType.BYOL).os(os).build(), QCOW2);

        byte[] bundle = export(acme, original);
        Image imported = bundles.importBundle(globex, new ByteArrayInputStream(bundle));

        assertThat(imported.id()).isNotEqualTo(original.id());
        assertThat(imported.owner()).isEqualTo(TenantId.of("globex-jp2"));
        assertThat(imported.region()).isEqualTo(RegionId.of("JP2"));
        assertThat(imported.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(imported.name()).isEqualTo(original.name());
        assertThat(imported.plan()).isEqualTo(original.plan());
        assertThat(imported.format()).isEqualTo(original.format());
        assertThat(imported.tags()).isEqualTo(original.tags());
        assertThat(imported.minDiskGb()).isEqualTo(original.minDiskGb());
        assertThat(imported.minMemoryMb()).isEqualTo(original.minMemoryMb());
        assertThat(imported.licenseType()).isEqualTo(original.licenseType());
        assertThat(imported.os()).isEqualTo(original.os());
        assertThat(imported.sizeBytes()).isEqualTo(original.sizeBytes());
        assertThat(imported.sha256()).isEqualTo(original.sha256());
        assertThat(imported.virtualSizeBytes()).isEqualTo(original.virtualSizeBytes());
        assertThat(imported.origin()).isEqualTo(Origin.PRIVATE);
        assertThat(download(globex, imported)).isEqualTo(QCOW2);
    }

    @Test
    void exportWritesManifestFirstThenDisk() throws Exception {
        Image original = template(RegisterRequest.template("disk", DiskFormat.RAW).build(), RAW);

        byte[] bundle = export(acme, original);

        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(bundle))) {
            TarArchiveEntry manifest = tar.getNextEntry();
            assertThat(manifest.getName()).isEqualTo("manifest.json");
            String json = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"bundleVersion\" : 1").contains("\"format\" : \"raw\"")
                    .contains("\"sha256\" : \"" + sha256(RAW) + "\"").doesNotContain("origin");

            TarArchiveEntry disk = tar.getNextEntry();
            assertThat(disk.getName()).isEqualTo("disk.raw");
            assertThat(disk.getSize()).isEqualTo(RAW.length);
            assertThat(tar.readAllBytes()).isEqualTo(RAW);

            assertThat(tar.getNextEntry()).isNull();
        }
    }

    @Test
    void handMadeBundleImportedAsPrivate() {
        // The manifest has no origin field, so an imported image is private whatever service wrote the bundle.
        Map<String, Object> manifest = rawManifest(RAW);
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();

        Image imported = bundles.importBundle(globex, new ByteArrayInputStream(bundle));

        assertThat(imported.origin()).isEqualTo(Origin.PRIVATE);
        assertThat(imported.tags()).containsExactly("linux");
    }

    @Test
    void manifestWithoutTagsMeansNoTags() {
        Map<String, Object> missing = new java.util.LinkedHashMap<>(rawManifest(RAW));
        missing.remove("tags");
        Map<String, Object> explicitNull = new java.util.LinkedHashMap<>(rawManifest(RAW));
        explicitNull.put("tags", null);

        for (Map<String, Object> manifest : List.of(missing, explicitNull)) {
            byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();

            Image imported = bundles.importBundle(globex, new ByteArrayInputStream(bundle));

            assertThat(imported.tags()).as(manifest.toString()).isEmpty();
        }
    }

    @Test
    void exportOfDerivedImageDenied() {
        Image derived = template(RegisterRequest.template("derived", DiskFormat.QCOW2)
                .derivedFromOfficial("official-ubuntu").build(), QCOW2);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> bundles.export(acme, derived.id(), out))
                .isInstanceOf(OperationDeniedException.class)
                .hasMessageContaining("download.derived-from-official");
        assertThat(out.size()).isZero();
    }

    @Test
    void exportByOtherTenantDenied() {
        Image original = template(RegisterRequest.template("disk", DiskFormat.RAW).build(), RAW);

        assertThatThrownBy(() -> bundles.export(globex, original.id(), new ByteArrayOutputStream()))
                .isInstanceOf(OperationDeniedException.class);
    }

    @Test
    void importOfIsoIntoTemplatePlanDenied() {
        byte[] iso = fixture("tiny.iso");
        Map<String, Object> manifest = rawManifest(iso);
        manifest.put("format", "iso");
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.iso", iso).bytes();

        assertThatThrownBy(() -> bundles.importBundle(globex, new ByteArrayInputStream(bundle)))
                .isInstanceOf(OperationDeniedException.class)
                .hasMessageContaining("plan.format-mismatch");
        assertThat(service.listImages(globex)).isEmpty();
    }

    @Test
    void diskNotMatchingChecksumRejectedAndDeleted() {
        Map<String, Object> manifest = rawManifest(RAW);
        manifest.put("sha256", sha256(QCOW2));
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();

        UploadRejectedException e = assertThrows(UploadRejectedException.class,
                () -> bundles.importBundle(globex, new ByteArrayInputStream(bundle)));

        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_CHECKSUM_MISMATCH);
        assertThat(service.listImages(globex)).isEmpty();
        assertThat(storage.blobs(RegionId.of("JP2")).stat(BlobKey.of(e.image()))).isEmpty();
    }

    @Test
    void diskOfWrongFormatRejected() {
        Map<String, Object> manifest = rawManifest(QCOW2);
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", QCOW2).bytes();

        UploadRejectedException e = assertThrows(UploadRejectedException.class,
                () -> bundles.importBundle(globex, new ByteArrayInputStream(bundle)));

        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_MISMATCH);
        assertThat(service.listImages(globex)).isEmpty();
    }

    @Test
    void rejectedImportTakesNoQuota() {
        InMemoryStorage oneSlotStorage = InMemoryStorage.create(Clock.systemUTC());
        ImageService oneSlot = ImageService.builder().storage(oneSlotStorage)
                .catalog(Catalog.defaults().withLimits(Limits.defaults().withMaxImagesPerPlanPerTenant(1))).build();
        oneSlot.addContract(ContractId.of("globex"));
        oneSlot.addTenant(TenantId.of("globex-jp2"), ContractId.of("globex"), RegionId.of("JP2"));
        ImageBundles oneSlotBundles = new ImageBundles(oneSlot);
        Map<String, Object> manifest = rawManifest(RAW);
        byte[] good = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();
        manifest.put("sha256", sha256(QCOW2));
        byte[] bad = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();

        for (int i = 0; i < 3; i++) {
            assertThrows(UploadRejectedException.class,
                    () -> oneSlotBundles.importBundle(globex, new ByteArrayInputStream(bad)));
        }
        Image imported = oneSlotBundles.importBundle(globex, new ByteArrayInputStream(good));

        assertThat(imported.status()).isEqualTo(ImageStatus.ACTIVE);
    }

    @Test
    void emptyInputRejected() {
        BundleRejectedException e = rejected(new byte[0]);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MANIFEST_MISSING);
    }

    @Test
    void notTarRejected() {
        byte[] garbage = new byte[4096];
        Arrays.fill(garbage, (byte) 'x');

        BundleRejectedException e = rejected(garbage);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MALFORMED);
    }

    @Test
    void manifestNotFirstRejected() {
        byte[] bundle = new Bundles.Tar().file("disk.raw", RAW).file("manifest.json", json(rawManifest(RAW)))
                .bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MANIFEST_MISSING);
        assertThat(e.reason().message()).contains("'disk.raw'");
    }

    @Test
    void duplicateManifestRejected() {
        byte[] manifest = json(rawManifest(RAW));
        byte[] bundle = new Bundles.Tar().file("manifest.json", manifest).file("manifest.json", manifest)
                .file("disk.raw", RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNEXPECTED);
        assertThat(e.reason().message()).contains("twice");
    }

    @Test
    void duplicateManifestAfterDiskRejected() {
        byte[] manifest = json(rawManifest(RAW));
        byte[] bundle = new Bundles.Tar().file("manifest.json", manifest).file("disk.raw", RAW)
                .file("manifest.json", manifest).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNEXPECTED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../disk.raw", "/etc/disk.raw", "a/../../disk.raw", "..\\disk.raw", "C:disk.raw"})
    void traversalDiskNameRejected(String name) {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW))).file(name, RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNSAFE);
    }

    @Test
    void traversalFirstEntryRejected() {
        byte[] bundle = new Bundles.Tar().file("../manifest.json", json(rawManifest(RAW))).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNSAFE);
    }

    @Test
    void symlinkDiskRejected() {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW)))
                .symlink("disk.raw", "/etc/shadow").bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNSAFE);
        assertThat(e.reason().message()).contains("link");
    }

    @Test
    void directoryEntryRejected() {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW))).directory("disk.raw")
                .bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNEXPECTED);
    }

    @Test
    void diskSizeMismatchRejected() {
        Map<String, Object> manifest = rawManifest(RAW);
        manifest.put("sizeBytes", RAW.length - 1);
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_SIZE_MISMATCH);
        assertThat(e.reason().message()).contains(RAW.length + " bytes").contains((RAW.length - 1) + " bytes");
    }

    @Test
    void diskNameOfOtherFormatRejected() {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW))).file("disk.qcow2", RAW)
                .bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNEXPECTED);
        assertThat(e.reason().message()).contains("disk.raw");
    }

    @Test
    void missingDiskRejected() {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW))).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MALFORMED);
    }

    @Test
    void extraEntryRejectedAndImageDeleted() {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW))).file("disk.raw", RAW)
                .text("notes.txt", "extra").bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_ENTRY_UNEXPECTED);
        assertThat(e.reason().message()).contains("'notes.txt'");
    }

    @Test
    void truncatedDiskRejected() {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW))).file("disk.raw", RAW)
                .bytes();
        byte[] cut = Arrays.copyOf(bundle, bundle.length - 20 * 1024);

        UploadRejectedException e = assertThrows(UploadRejectedException.class,
                () -> bundles.importBundle(globex, new ByteArrayInputStream(cut)));

        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_READ_FAILED);
        assertThat(service.listImages(globex)).isEmpty();
    }

    @Test
    void oversizedManifestRejected() {
        String padding = " ".repeat(BundleReader.MAX_MANIFEST_BYTES);
        byte[] bundle = new Bundles.Tar().text("manifest.json", new String(json(rawManifest(RAW)),
                StandardCharsets.UTF_8) + padding).file("disk.raw", RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MANIFEST_INVALID);
        assertThat(e.reason().message()).contains("above the maximum of 65536 bytes");
    }

    @Test
    void unknownManifestFieldRejected() {
        Map<String, Object> manifest = rawManifest(RAW);
        manifest.put("origin", "OFFICIAL");
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MANIFEST_INVALID);
        assertThat(e.reason().message()).contains("origin");
    }

    @Test
    void duplicateManifestFieldRejected() {
        String manifest = new String(json(rawManifest(RAW)), StandardCharsets.UTF_8)
                .replace("\"name\":\"imported\"", "\"name\":\"imported\",\"name\":\"other\"");
        byte[] bundle = new Bundles.Tar().text("manifest.json", manifest).file("disk.raw", RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MANIFEST_INVALID);
        assertThat(e.reason().message()).contains("Duplicate field 'name'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bundleVersion=2", "sha256=ABC", "sizeBytes=0", "format=vmdk", "plan=GOLD",
            "licenseType=null", "name=null"})
    void invalidManifestValueRejected(String change) {
        String field = change.substring(0, change.indexOf('='));
        String value = change.substring(change.indexOf('=') + 1);
        Map<String, Object> manifest = rawManifest(RAW);
        manifest.put(field, value.equals("null") ? null : value.matches("-?\\d+") ? Long.valueOf(value) : value);
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(manifest)).file("disk.raw", RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MANIFEST_INVALID);
        assertThat(e.reason().message()).startsWith("manifest.json is invalid: ");
    }

    @Test
    void manifestNotJsonRejected() {
        byte[] bundle = new Bundles.Tar().text("manifest.json", "name = imported").file("disk.raw", RAW).bytes();

        BundleRejectedException e = rejected(bundle);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.BUNDLE_MANIFEST_INVALID);
    }

    @Test
    void importLeavesInputOpen() {
        byte[] bundle = new Bundles.Tar().file("manifest.json", json(rawManifest(RAW))).file("disk.raw", RAW)
                .bytes();
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(bundle) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        bundles.importBundle(globex, in);

        assertThat(closed[0]).isFalse();
    }
}
