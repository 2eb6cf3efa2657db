package dev.imagestorage.format;

import static dev.imagestorage.policy.ReasonCode.FORMAT_ISO_INVALID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ISO 9660 descriptor checks, on the first 64 KiB of tiny.iso with one field changed. */
class IsoDescriptorTest {
    private static final int PRIMARY = 0x8000;
    /** tiny.iso: 184 blocks of 2048 bytes. */
    private static final long VOLUME_BYTES = 376_832;

    private static ByteBuffer iso() {
        return ByteBuffer.wrap(Fixtures.prefix("tiny.iso"));
    }

    private static Inspection inspect(ByteBuffer content) {
        return FormatInspector.inspect(content.array(), content.capacity());
    }

    private static List<ReasonCode> codes(ByteBuffer content) {
        return inspect(content).problems().stream().map(Reason::code).toList();
    }

    /** Writes a 32-bit number in both byte orders, little-endian first. */
    private static void putBothEndianInt(ByteBuffer iso, int offset, int value) {
        iso.duplicate().order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        iso.putInt(offset + 4, value);
    }

    private static void putBothEndianShort(ByteBuffer iso, int offset, int value) {
        iso.duplicate().order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) value);
        iso.putShort(offset + 2, (short) value);
    }

    @Test
    void tinyIsoAccepted() {
        Inspection inspection = inspect(iso());

        assertThat(inspection.format()).isEqualTo(DetectedFormat.ISO);
        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.virtualSizeBytes()).hasValue(VOLUME_BYTES);
        assertThat(inspection.rejectionFor(DiskFormat.ISO)).isEmpty();
    }

    @Test
    void volumeLongerThanContentTruncated() {
        Inspection inspection = inspect(iso());

        Reason reason = inspection.rejectionForContentLength(VOLUME_BYTES - 2048).orElseThrow();

        assertThat(reason.code()).isEqualTo(ReasonCode.FORMAT_TRUNCATED);
        assertThat(reason.message()).contains("ISO 9660 volume of 184 blocks of 2048 bytes")
                .contains("ends at byte " + VOLUME_BYTES);
        assertThat(inspection.rejectionForContentLength(VOLUME_BYTES)).isEmpty();
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0, 2, 255})
    void firstDescriptorNotPrimaryInvalid(int type) {
        ByteBuffer iso = iso();
        iso.put(PRIMARY, (byte) type);

        assertThat(codes(iso)).containsExactly(FORMAT_ISO_INVALID);
    }

    @Test
    void volumeSizeCopiesDisagreeInvalid() {
        ByteBuffer iso = iso();
        iso.putInt(PRIMARY + 84, 185);

        Inspection inspection = inspect(iso);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_ISO_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("big-endian copy");
        assertThat(inspection.virtualSizeBytes()).isEmpty();
    }

    @ParameterizedTest(name = "block size {0}")
    @ValueSource(ints = {0, 256, 4096, 2047, 0xFFFF})
    void logicalBlockSizeInvalid(int blockSize) {
        ByteBuffer iso = iso();
        putBothEndianShort(iso, PRIMARY + 128, blockSize);

        assertThat(codes(iso)).containsExactly(FORMAT_ISO_INVALID);
    }

    @Test
    void volumeSmallerThanDescriptorsInvalid() {
        ByteBuffer iso = iso();
        putBothEndianInt(iso, PRIMARY + 80, 16);

        assertThat(codes(iso)).containsExactly(FORMAT_ISO_INVALID);
    }

    @Test
    void volumeAboveLimitRejected() {
        ByteBuffer iso = iso();
        putBothEndianInt(iso, PRIMARY + 80, -1);

        Inspection inspection = FormatInspector.inspect(iso.array(), iso.capacity(), 1L << 30);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_VIRTUAL_SIZE_LIMIT);
        assertThat(inspection.virtualSizeBytes()).hasValue(0xFFFF_FFFFL * 2048);
    }

    @Test
    void descriptorSetWithoutTerminatorInvalid() {
        ByteBuffer iso = iso();
        // Turn every descriptor after the primary one into another primary descriptor, up to the end of the prefix.
        for (int offset = PRIMARY + 2048; offset + 7 <= iso.capacity(); offset += 2048) {
            iso.put(offset, iso.array(), PRIMARY, 7);
        }

        Inspection inspection = inspect(iso);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_ISO_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("no terminator");
    }

    @Test
    void descriptorWithoutIdentifierBeforeTerminatorInvalid() {
        ByteBuffer iso = iso();
        iso.put(PRIMARY + 2048 + 1, (byte) 'X');

        Inspection inspection = inspect(iso);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_ISO_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("no CD001 identifier");
    }

    @Test
    void unknownDescriptorTypeInvalid() {
        ByteBuffer iso = iso();
        iso.put(PRIMARY + 2048, (byte) 7);

        Inspection inspection = inspect(iso);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_ISO_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("unknown type 7");
    }

    @Test
    void gzipMagicBeforeIsoAmbiguous() {
        ByteBuffer iso = iso();
        iso.put(0, (byte) 0x1F).put(1, (byte) 0x8B);

        Inspection inspection = inspect(iso);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_AMBIGUOUS);
        assertThat(inspection.problems().get(0).message()).contains("gzip-compressed data")
                .contains("an ISO 9660 image");
    }
}
