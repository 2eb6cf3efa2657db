package dev.imagestorage.format;

import static dev.imagestorage.policy.ReasonCode.FORMAT_MISMATCH;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_BACKING_FILE;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_DATA_FILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Inspects the real images that fixtures/make-fixtures.sh made with qemu-img, xorriso and common archivers. */
class FormatInspectorFixtureTest {
    private static final Optional<ReasonCode> ACCEPTED = Optional.empty();
    private static final Optional<ReasonCode> MISMATCH = Optional.of(FORMAT_MISMATCH);

    /** One fixture with its expected format, virtual size and verdict when declared raw, qcow2 or iso. */
    record Case(String file, DetectedFormat format, OptionalLong virtualSize, Optional<ReasonCode> asRaw,
            Optional<ReasonCode> asQcow2, Optional<ReasonCode> asIso) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Case> fixtures() {
        OptionalLong unknown = OptionalLong.empty();
        Optional<ReasonCode> backingFile = Optional.of(FORMAT_QCOW2_BACKING_FILE);
        Optional<ReasonCode> dataFile = Optional.of(FORMAT_QCOW2_DATA_FILE);
        return Stream.of(
                // qemu-img info tiny.raw reports 65536 bytes, but the file is exactly PREFIX_LENGTH long, so the
                // inspector cannot tell whether more content follows.
                new Case("tiny.raw", DetectedFormat.RAW, unknown, ACCEPTED, MISMATCH, MISMATCH),
                // qemu-img info tiny.qcow2: virtual size: 1 MiB (1048576 bytes)
                new Case("tiny.qcow2", DetectedFormat.QCOW2, OptionalLong.of(1_048_576), MISMATCH, ACCEPTED,
                        MISMATCH),
                // qemu-img info tiny-v2.qcow2: virtual size: 1 MiB (1048576 bytes)
                new Case("tiny-v2.qcow2", DetectedFormat.QCOW2, OptionalLong.of(1_048_576), MISMATCH, ACCEPTED,
                        MISMATCH),
                // qemu-img info with-backing.qcow2: virtual size: 1 MiB (1048576 bytes)
                new Case("with-backing.qcow2", DetectedFormat.QCOW2, OptionalLong.of(1_048_576), backingFile,
                        backingFile, backingFile),
                // qemu-img info with-data-file.qcow2, run while its data file existed: virtual size: 1 MiB
                // (1048576 bytes)
                new Case("with-data-file.qcow2", DetectedFormat.QCOW2, OptionalLong.of(1_048_576), dataFile,
                        dataFile, dataFile),
                // qemu-img info tiny.iso: virtual size: 368 KiB (376832 bytes), which is 184 blocks of 2048 bytes.
                new Case("tiny.iso", DetectedFormat.ISO, OptionalLong.of(376_832), MISMATCH, MISMATCH, ACCEPTED),
                // The inspector reads no virtual size from the formats below, so each expects none.
                new Case("tiny.vmdk", DetectedFormat.VMDK, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.vhd", DetectedFormat.VHD, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny-fixed.vhd", DetectedFormat.VHD, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny-prefix.vhdx", DetectedFormat.VHDX, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.vdi", DetectedFormat.VDI, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.qed", DetectedFormat.QED, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.raw.gz", DetectedFormat.GZIP, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.raw.xz", DetectedFormat.XZ, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.raw.bz2", DetectedFormat.BZIP2, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.raw.zst", DetectedFormat.ZSTD, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.zip", DetectedFormat.ZIP, unknown, MISMATCH, MISMATCH, MISMATCH),
                new Case("tiny.tar", DetectedFormat.TAR, unknown, MISMATCH, MISMATCH, MISMATCH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureDetectedFormat(Case fixture) {
        Inspection inspection = inspectFixture(fixture.file());

        assertThat(inspection.format()).isEqualTo(fixture.format());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureVirtualSize(Case fixture) {
        Inspection inspection = inspectFixture(fixture.file());

        assertThat(inspection.virtualSizeBytes()).isEqualTo(fixture.virtualSize());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureVerdictPerDeclaredFormat(Case fixture) {
        Inspection inspection = inspectFixture(fixture.file());

        assertThat(rejectionCode(inspection, DiskFormat.RAW)).as("declared raw").isEqualTo(fixture.asRaw());
        assertThat(rejectionCode(inspection, DiskFormat.QCOW2)).as("declared qcow2").isEqualTo(fixture.asQcow2());
        assertThat(rejectionCode(inspection, DiskFormat.ISO)).as("declared iso").isEqualTo(fixture.asIso());
    }

    @Test
    void validQcow2HasNoProblems() {
        assertThat(inspectFixture("tiny.qcow2").problems()).isEmpty();
        assertThat(inspectFixture("tiny-v2.qcow2").problems()).isEmpty();
    }

    @Test
    void backingFileReportedByOffsetAndExtension() {
        List<ReasonCode> codes = codes(inspectFixture("with-backing.qcow2"));

        // qemu-img stores the backing file name and, because of -F qcow2, a backing file format extension.
        assertThat(codes).containsExactly(FORMAT_QCOW2_BACKING_FILE, FORMAT_QCOW2_BACKING_FILE);
    }

    @Test
    void dataFileReportedByFeatureBitAndExtension() {
        List<ReasonCode> codes = codes(inspectFixture("with-data-file.qcow2"));

        assertThat(codes).containsExactly(FORMAT_QCOW2_DATA_FILE, FORMAT_QCOW2_DATA_FILE);
    }

    @Test
    void hybridIsoWithMbrStaysIso() {
        byte[] iso = Fixtures.prefix("tiny.iso");
        // A bootable MBR partition of type 0x17 that spans the whole image, and the MBR boot signature.
        ByteBuffer mbr = ByteBuffer.wrap(iso).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(446, (byte) 0x80);
        mbr.put(446 + 4, (byte) 0x17);
        mbr.putInt(446 + 8, 0);
        mbr.putInt(446 + 12, 376_832 / 512);
        mbr.put(510, (byte) 0x55);
        mbr.put(511, (byte) 0xAA);

        Inspection inspection = FormatInspector.inspect(iso, iso.length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.ISO);
        assertThat(inspection.rejectionFor(DiskFormat.ISO)).isEmpty();
    }

    @Test
    void isoCutBeforeDescriptorIsRaw() {
        byte[] iso = Fixtures.prefix("tiny.iso");

        // The descriptor starts at byte 0x8000, so a 0x8000-byte content cannot hold it even though the buffer does.
        Inspection inspection = FormatInspector.inspect(iso, 0x8000);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
        assertThat(inspection.virtualSizeBytes()).hasValue(0x8000);
    }

    @Test
    void shortRawReportsItsLength() {
        byte[] raw = Fixtures.prefix("tiny.raw");

        Inspection inspection = FormatInspector.inspect(raw, 4096);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
        assertThat(inspection.virtualSizeBytes()).hasValue(4096);
    }

    @Test
    void fixedVhdFooterIgnoredWhenContentIsLonger() {
        byte[] vhd = Fixtures.whole("tiny-fixed.vhd");
        byte[] prefixWithFooterAtEnd = new byte[FormatInspector.PREFIX_LENGTH];
        int footerLength = 512;
        System.arraycopy(vhd, vhd.length - footerLength, prefixWithFooterAtEnd,
                prefixWithFooterAtEnd.length - footerLength, footerLength);

        // A full prefix is not the end of the content, so its last 512 bytes are not a footer.
        Inspection inspection = FormatInspector.inspect(prefixWithFooterAtEnd, prefixWithFooterAtEnd.length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
    }

    private static Inspection inspectFixture(String name) {
        byte[] prefix = Fixtures.prefix(name);
        return FormatInspector.inspect(prefix, prefix.length);
    }

    private static Optional<ReasonCode> rejectionCode(Inspection inspection, DiskFormat declared) {
        return inspection.rejectionFor(declared).map(Reason::code);
    }

    private static List<ReasonCode> codes(Inspection inspection) {
        return inspection.problems().stream().map(Reason::code).toList();
    }
}
