package dev.imagestorage.service;

import static dev.imagestorage.policy.ReasonCode.FORMAT_AMBIGUOUS;
import static dev.imagestorage.policy.ReasonCode.FORMAT_ISO_INVALID;
import static dev.imagestorage.policy.ReasonCode.FORMAT_MISMATCH;
import static dev.imagestorage.policy.ReasonCode.FORMAT_PARTITION_TABLE_INVALID;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_BACKING_FILE;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_DATA_FILE;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_INVALID_HEADER;
import static dev.imagestorage.policy.ReasonCode.FORMAT_TRUNCATED;
import static dev.imagestorage.policy.ReasonCode.FORMAT_VIRTUAL_SIZE_LIMIT;
import static dev.imagestorage.policy.ReasonCode.UPLOAD_DECOMPRESSION_FAILED;
import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imagestorage.TestResources;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.format.DetectedFormat;
import dev.imagestorage.format.FormatInspector;
import dev.imagestorage.format.Inspection;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.spi.BlobKey;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inspects and uploads every image of the corpus that fixtures/make-corpus.sh built, which is also the seed corpus of
 * FormatInspectorFuzzTest, and checks the expected verdict of each.
 */
class CorpusUploadTest {
    static final String CORPUS = "/dev/imagestorage/format/FormatInspectorFuzzTestInputs/";
    private static final Optional<ReasonCode> ACCEPTED = Optional.empty();
    /** qemu-img info reports a virtual size of 1 MiB (1048576 bytes) for every qcow2 image of the corpus. */
    private static final long QCOW2_VIRTUAL_SIZE = 1_048_576;

    /**
     * One corpus file: the format it is uploaded as, what the inspector detects in its first 64 KiB and the first
     * problem it finds there, and the reason its upload is rejected, if it is.
     */
    record Case(String file, DiskFormat declared, DetectedFormat detected, Optional<ReasonCode> inspectionProblem,
            Optional<ReasonCode> uploadRejection) {
        @Override
        public String toString() {
            return file + " as " + declared.label();
        }
    }

    private static Case accepted(String file, DiskFormat declared, DetectedFormat detected) {
        return new Case(file, declared, detected, ACCEPTED, ACCEPTED);
    }

    private static Case rejected(String file, DiskFormat declared, DetectedFormat detected, ReasonCode code) {
        return new Case(file, declared, detected, Optional.of(code), Optional.of(code));
    }

    /** Returns a case that passes inspection of its prefix and is rejected once its whole length is known. */
    private static Case rejectedAtUpload(String file, DiskFormat declared, DetectedFormat detected, ReasonCode code) {
        return new Case(file, declared, detected, ACCEPTED, Optional.of(code));
    }

    private static Case mismatch(String file, DiskFormat declared, DetectedFormat detected) {
        return new Case(file, declared, detected, ACCEPTED, Optional.of(FORMAT_MISMATCH));
    }

    static List<Case> uncompressedCases() {
        DiskFormat raw = DiskFormat.RAW;
        DiskFormat qcow2 = DiskFormat.QCOW2;
        DiskFormat iso = DiskFormat.ISO;
        return List.of(
                // Made by qemu-img, xorriso and sfdisk.
                accepted("qcow2-v2.qcow2", qcow2, DetectedFormat.QCOW2),
                accepted("qcow2-v3.qcow2", qcow2, DetectedFormat.QCOW2),
                rejected("qcow2-backing-file.qcow2", qcow2, DetectedFormat.QCOW2, FORMAT_QCOW2_BACKING_FILE),
                rejected("qcow2-data-file.qcow2", qcow2, DetectedFormat.QCOW2, FORMAT_QCOW2_DATA_FILE),
                mismatch("vmdk-sparse.vmdk", qcow2, DetectedFormat.VMDK),
                mismatch("vmdk-descriptor.vmdk", raw, DetectedFormat.VMDK),
                mismatch("vhd-dynamic.vhd", qcow2, DetectedFormat.VHD),
                mismatch("vhd-fixed.vhd", raw, DetectedFormat.VHD),
                mismatch("vhdx-64k.vhdx", qcow2, DetectedFormat.VHDX),
                mismatch("vdi.vdi", qcow2, DetectedFormat.VDI),
                mismatch("qed.qed", qcow2, DetectedFormat.QED),
                mismatch("luks-64k.luks", raw, DetectedFormat.LUKS),
                accepted("raw-mbr.img", raw, DetectedFormat.RAW),
                accepted("raw-gpt.img", raw, DetectedFormat.RAW),
                accepted("raw-text.img", raw, DetectedFormat.RAW),
                accepted("iso-plain.iso", iso, DetectedFormat.ISO),
                accepted("iso-hybrid-mbr.iso", iso, DetectedFormat.ISO),
                accepted("iso-hybrid-gpt.iso", iso, DetectedFormat.ISO),
                // Crafted qcow2 headers.
                rejected("crafted-qcow2-truncated-header.qcow2", qcow2, DetectedFormat.QCOW2,
                        FORMAT_QCOW2_INVALID_HEADER),
                rejected("crafted-qcow2-unknown-feature-bit.qcow2", qcow2, DetectedFormat.QCOW2,
                        FORMAT_QCOW2_INVALID_HEADER),
                rejected("crafted-qcow2-corrupt-bit.qcow2", qcow2, DetectedFormat.QCOW2,
                        FORMAT_QCOW2_INVALID_HEADER),
                rejected("crafted-qcow2-8tib-virtual-size.qcow2", qcow2, DetectedFormat.QCOW2,
                        FORMAT_VIRTUAL_SIZE_LIMIT),
                rejected("crafted-qcow2-header-length-overflow.qcow2", qcow2, DetectedFormat.QCOW2,
                        FORMAT_QCOW2_INVALID_HEADER),
                rejected("crafted-qcow2-extension-length-overflow.qcow2", qcow2, DetectedFormat.QCOW2,
                        FORMAT_QCOW2_INVALID_HEADER),
                // Two formats in one file. A gzip magic makes the upload decompress, which fails on ISO bytes.
                rejected("crafted-qcow2-and-iso-64k.iso", iso, DetectedFormat.QCOW2, FORMAT_AMBIGUOUS),
                rejected("crafted-vmdk-and-iso-64k.iso", iso, DetectedFormat.VMDK, FORMAT_AMBIGUOUS),
                new Case("crafted-gzip-and-iso-64k.iso", iso, DetectedFormat.GZIP, Optional.of(FORMAT_AMBIGUOUS),
                        Optional.of(UPLOAD_DECOMPRESSION_FAILED)),
                // Crafted ISO 9660 descriptors.
                rejected("crafted-iso-volume-overflow-64k.iso", iso, DetectedFormat.ISO, FORMAT_VIRTUAL_SIZE_LIMIT),
                rejectedAtUpload("crafted-iso-truncated.iso", iso, DetectedFormat.ISO, FORMAT_TRUNCATED),
                rejected("crafted-iso-no-terminator-64k.iso", iso, DetectedFormat.ISO, FORMAT_ISO_INVALID),
                rejected("crafted-iso-block-size-4096-64k.iso", iso, DetectedFormat.ISO, FORMAT_ISO_INVALID),
                // Crafted partition tables.
                rejected("crafted-mbr-overlap.img", raw, DetectedFormat.RAW, FORMAT_PARTITION_TABLE_INVALID),
                rejected("crafted-mbr-boot-indicator.img", raw, DetectedFormat.RAW, FORMAT_PARTITION_TABLE_INVALID),
                rejectedAtUpload("crafted-mbr-out-of-range.img", raw, DetectedFormat.RAW, FORMAT_TRUNCATED),
                rejected("crafted-gpt-header-crc.img", raw, DetectedFormat.RAW, FORMAT_PARTITION_TABLE_INVALID),
                rejected("crafted-gpt-header-size-overflow.img", raw, DetectedFormat.RAW,
                        FORMAT_PARTITION_TABLE_INVALID),
                // Broken compressed streams.
                rejectedAtUpload("crafted-truncated.qcow2.gz", qcow2, DetectedFormat.GZIP,
                        UPLOAD_DECOMPRESSION_FAILED),
                rejectedAtUpload("crafted-corrupt.qcow2.zst", qcow2, DetectedFormat.ZSTD,
                        UPLOAD_DECOMPRESSION_FAILED));
    }

    /** Returns every case, giving each compressed copy the upload verdict of the file it was made from. */
    static List<Case> cases() {
        Map<String, DetectedFormat> compressions = Map.of(".gz", DetectedFormat.GZIP, ".xz", DetectedFormat.XZ,
                ".bz2", DetectedFormat.BZIP2, ".zst", DetectedFormat.ZSTD);
        List<String> files = corpusFiles();
        List<Case> cases = new ArrayList<>(uncompressedCases());
        for (Case original : uncompressedCases()) {
            for (Map.Entry<String, DetectedFormat> compression : compressions.entrySet()) {
                String compressed = original.file() + compression.getKey();
                if (files.contains(compressed)) {
                    cases.add(new Case(compressed, original.declared(), compression.getValue(), ACCEPTED,
                            original.uploadRejection()));
                }
            }
        }
        return cases;
    }

    static List<String> corpusFiles() {
        return TestResources.fileNames(CORPUS);
    }

    static byte[] read(String file) {
        return TestResources.read(CORPUS, file);
    }

    @Test
    void everyCorpusFileHasCase() {
        List<String> covered = cases().stream().map(Case::file).sorted().toList();

        assertThat(covered).containsExactlyElementsOf(corpusFiles());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusFileInspection(Case fixture) {
        byte[] content = read(fixture.file());
        int length = Math.min(content.length, FormatInspector.PREFIX_LENGTH);

        Inspection inspection = FormatInspector.inspect(Arrays.copyOf(content, length), length);

        assertThat(inspection.format()).isEqualTo(fixture.detected());
        assertThat(inspection.problems().stream().map(Reason::code).findFirst()).isEqualTo(fixture.inspectionProblem());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusFileUpload(Case fixture) {
        ServiceFixture fx = new ServiceFixture();
        Caller acme = as(fx.acmeJp1);
        RegisterRequest request = fixture.declared() == DiskFormat.ISO
                ? RegisterRequest.iso("corpus").build()
                : RegisterRequest.template("corpus", fixture.declared()).build();
        Image queued = fx.service.register(acme, request);
        byte[] content = read(fixture.file());

        if (fixture.uploadRejection().isPresent()) {
            UploadRejectedException e = assertThrows(UploadRejectedException.class,
                    () -> fx.service.upload(acme, queued.id(), new ByteArrayInputStream(content)));
            assertThat(e.reason().code()).isEqualTo(fixture.uploadRejection().get());
            assertThat(fx.service.image(acme, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
            assertThat(fx.storage.blobs(queued.region()).stat(BlobKey.of(queued.id()))).isEmpty();
            return;
        }
        Image image = fx.service.upload(acme, queued.id(), new ByteArrayInputStream(content));
        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
        long virtualSize = image.virtualSizeBytes().orElseThrow();
        switch (fixture.declared()) {
            case RAW -> assertThat(virtualSize).isEqualTo(image.sizeBytes());
            case QCOW2 -> assertThat(virtualSize).isEqualTo(QCOW2_VIRTUAL_SIZE);
            case ISO -> assertThat(virtualSize).isPositive().isLessThanOrEqualTo(image.sizeBytes());
        }
    }

    @Test
    void mismatchNamesDetectedFormat() {
        ServiceFixture fx = new ServiceFixture();
        Caller acme = as(fx.acmeJp1);
        Image queued = fx.service.register(acme, RegisterRequest.template("corpus", DiskFormat.QCOW2).build());
        byte[] vmdk = read("vmdk-sparse.vmdk.gz");

        UploadRejectedException e = assertThrows(UploadRejectedException.class,
                () -> fx.service.upload(acme, queued.id(), new ByteArrayInputStream(vmdk)));

        assertThat(e.reason().message()).isEqualTo("after gzip decompression, the image is declared as qcow2 but"
                + " its content is a VMDK image. Convert it with 'qemu-img convert -O qcow2 FILE out.qcow2' and"
                + " upload out.qcow2 with format qcow2");
    }
}
