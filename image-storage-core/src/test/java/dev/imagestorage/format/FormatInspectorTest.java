package dev.imagestorage.format;

import static dev.imagestorage.format.FormatInspector.PREFIX_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signature detection, argument checks and size rules, on content built in the test. */
class FormatInspectorTest {
    /** Returns 4 KiB of the letter 'x' with {@code magic} written at {@code offset}. */
    private static byte[] contentWith(int offset, byte... magic) {
        byte[] content = new byte[4096];
        Arrays.fill(content, (byte) 'x');
        System.arraycopy(magic, 0, content, offset, magic.length);
        return content;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static DetectedFormat detect(byte[] content) {
        return FormatInspector.inspect(content, content.length).format();
    }

    @Test
    void emptyContentRejectedAsEmpty() {
        Inspection inspection = FormatInspector.inspect(new byte[0], 0);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.UPLOAD_EMPTY);
        assertThat(inspection.rejectionFor(DiskFormat.RAW).map(Reason::code)).contains(ReasonCode.UPLOAD_EMPTY);
    }

    @Test
    void zeroLengthOfNonEmptyBufferIsEmpty() {
        Inspection inspection = FormatInspector.inspect(ascii("QFI"), 0);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.UPLOAD_EMPTY);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {-1, 11, PREFIX_LENGTH + 1})
    void lengthOutsideBufferRejected(int length) {
        assertThatThrownBy(() -> FormatInspector.inspect(new byte[10], length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid length " + length);
    }

    @Test
    void lengthAbovePrefixRejectedForLargeBuffer() {
        byte[] buffer = new byte[PREFIX_LENGTH * 2];

        assertThatThrownBy(() -> FormatInspector.inspect(buffer, PREFIX_LENGTH + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullBufferRejected() {
        assertThatThrownBy(() -> FormatInspector.inspect(null, 0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void vmdkSignaturesDetected() {
        assertThat(detect(contentWith(0, ascii("KDMV")))).isEqualTo(DetectedFormat.VMDK);
        assertThat(detect(contentWith(0, ascii("# Disk DescriptorFile\nversion=1\n")))).isEqualTo(DetectedFormat.VMDK);
    }

    @Test
    void vhdCookieAtStartDetected() {
        assertThat(detect(contentWith(0, ascii("conectix")))).isEqualTo(DetectedFormat.VHD);
    }

    @Test
    void vhdxSignatureDetected() {
        assertThat(detect(contentWith(0, ascii("vhdxfile")))).isEqualTo(DetectedFormat.VHDX);
    }

    @Test
    void vdiSignatureDetected() {
        byte[] signature = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xBEDA107F).array();

        assertThat(detect(contentWith(0x40, signature))).isEqualTo(DetectedFormat.VDI);
    }

    @Test
    void qedSignatureDetected() {
        assertThat(detect(contentWith(0, (byte) 'Q', (byte) 'E', (byte) 'D', (byte) 0))).isEqualTo(DetectedFormat.QED);
    }

    @Test
    void luksSignatureDetected() {
        byte[] magic = {'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE, 0, 2};

        assertThat(detect(contentWith(0, magic))).isEqualTo(DetectedFormat.LUKS);
    }

    @Test
    void compressionSignaturesDetected() {
        assertThat(detect(contentWith(0, (byte) 0x1F, (byte) 0x8B, (byte) 8))).isEqualTo(DetectedFormat.GZIP);
        assertThat(detect(contentWith(0, (byte) 0xFD, (byte) '7', (byte) 'z', (byte) 'X', (byte) 'Z', (byte) 0)))
                .isEqualTo(DetectedFormat.XZ);
        assertThat(detect(contentWith(0, ascii("BZh9")))).isEqualTo(DetectedFormat.BZIP2);
        assertThat(detect(contentWith(0, (byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD)))
                .isEqualTo(DetectedFormat.ZSTD);
    }

    @Test
    void archiveSignaturesDetected() {
        assertThat(detect(contentWith(0, (byte) 'P', (byte) 'K', (byte) 3, (byte) 4))).isEqualTo(DetectedFormat.ZIP);
        assertThat(detect(contentWith(257, ascii("ustar\u000000")))).isEqualTo(DetectedFormat.TAR);
    }

    @Test
    void signatureCutByLengthNotDetected() {
        byte[] content = contentWith(0, ascii("vhdxfile"));

        Inspection inspection = FormatInspector.inspect(content, 7);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
        assertThat(inspection.virtualSizeBytes()).hasValue(7);
    }

    @Test
    void qcow2MagicWithIsoDescriptorAmbiguous() {
        byte[] content = Fixtures.prefix("tiny.iso");
        ByteBuffer.wrap(content).putInt(0, 0x514649FB).putInt(4, 3);

        Inspection inspection = FormatInspector.inspect(content, content.length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.QCOW2);
        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_AMBIGUOUS);
        assertThat(inspection.rejectionFor(DiskFormat.QCOW2).map(Reason::code))
                .contains(ReasonCode.FORMAT_AMBIGUOUS);
    }

    @Test
    void vmdkDescriptorWithIsoDescriptorAmbiguous() {
        byte[] content = Fixtures.prefix("tiny.iso");
        System.arraycopy(ascii("# Disk DescriptorFile"), 0, content, 0, 21);

        Inspection inspection = FormatInspector.inspect(content, content.length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.VMDK);
        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_AMBIGUOUS);
        assertThat(inspection.rejectionFor(DiskFormat.ISO).map(Reason::code)).contains(ReasonCode.FORMAT_AMBIGUOUS);
        assertThat(inspection.problems().get(0).message()).contains("a VMDK image").contains("an ISO 9660 image");
    }

    @Test
    void isoDescriptorWithWrongVersionInvalid() {
        byte[] content = Fixtures.prefix("tiny.iso");
        content[0x8000 + 6] = 2;

        Inspection inspection = FormatInspector.inspect(content, content.length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.ISO);
        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_ISO_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("version 2");
    }

    @Test
    void isoDescriptorWithoutSizeFieldsHasNoSize() {
        byte[] content = Fixtures.prefix("tiny.iso");

        // The identifier fits, but the logical block size at descriptor offset 128 does not.
        Inspection inspection = FormatInspector.inspect(content, 0x8000 + 100);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.ISO);
        assertThat(inspection.virtualSizeBytes()).isEmpty();
        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_ISO_INVALID);
    }

    @Test
    void fullPrefixRawHasNoSize() {
        byte[] content = new byte[PREFIX_LENGTH];

        Inspection inspection = FormatInspector.inspect(content, PREFIX_LENGTH);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
        assertThat(inspection.virtualSizeBytes()).isEmpty();
        assertThat(inspection.problems()).isEmpty();
    }

    @Test
    void vhdFooterInShortContentDetected() {
        byte[] content = contentWith(4096 - 512, ascii("conectix"));

        assertThat(detect(content)).isEqualTo(DetectedFormat.VHD);
    }
}
