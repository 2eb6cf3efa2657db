package dev.imagestorage.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.policy.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InspectionTest {
    private static Inspection clean(DetectedFormat format) {
        return new Inspection(format, OptionalLong.empty(), List.of());
    }

    private static Reason mismatch(DetectedFormat detected, DiskFormat declared) {
        return clean(detected).rejectionFor(declared).orElseThrow();
    }

    @Test
    void matchingFormatsAccepted() {
        assertThat(clean(DetectedFormat.RAW).rejectionFor(DiskFormat.RAW)).isEmpty();
        assertThat(clean(DetectedFormat.QCOW2).rejectionFor(DiskFormat.QCOW2)).isEmpty();
        assertThat(clean(DetectedFormat.ISO).rejectionFor(DiskFormat.ISO)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(DiskFormat.class)
    void firstProblemComesBeforeMismatch(DiskFormat declared) {
        Reason backingFile = Reason.deny(ReasonCode.FORMAT_QCOW2_BACKING_FILE, "backing file");
        Reason encrypted = Reason.deny(ReasonCode.FORMAT_QCOW2_ENCRYPTED, "encrypted");
        Inspection inspection = new Inspection(DetectedFormat.QCOW2, OptionalLong.empty(),
                List.of(backingFile, encrypted));

        assertThat(inspection.rejectionFor(declared)).contains(backingFile);
    }

    @Test
    void mismatchDeniesWithMismatchCode() {
        Reason reason = mismatch(DetectedFormat.VMDK, DiskFormat.RAW);

        assertThat(reason.code()).isEqualTo(ReasonCode.FORMAT_MISMATCH);
        assertThat(reason.severity()).isEqualTo(Severity.DENY);
    }

    @Test
    void rawIsoMismatchBothWays() {
        assertThat(mismatch(DetectedFormat.ISO, DiskFormat.RAW).code()).isEqualTo(ReasonCode.FORMAT_MISMATCH);
        assertThat(mismatch(DetectedFormat.RAW, DiskFormat.ISO).code()).isEqualTo(ReasonCode.FORMAT_MISMATCH);
    }

    @ParameterizedTest
    @EnumSource(value = DetectedFormat.class, names = {"VMDK", "VHD", "VHDX", "VDI", "QED"})
    void foreignDiskImageMessageSaysConvert(DetectedFormat detected) {
        String message = mismatch(detected, DiskFormat.QCOW2).message();

        assertThat(message).contains("declared as qcow2");
        assertThat(message).contains(detected.description());
        assertThat(message).contains("qemu-img convert -O qcow2 FILE out.qcow2");
    }

    @ParameterizedTest
    @EnumSource(value = DetectedFormat.class, names = {"GZIP", "XZ", "BZIP2", "ZSTD"})
    void compressedMessageSaysDecompress(DetectedFormat detected) {
        String message = mismatch(detected, DiskFormat.RAW).message();

        assertThat(message).contains("declared as raw");
        assertThat(message).contains(detected.description());
        assertThat(message).contains("Decompress it first");
    }

    @ParameterizedTest
    @EnumSource(value = DetectedFormat.class, names = {"ZIP", "TAR"})
    void archiveMessageSaysUnpack(DetectedFormat detected) {
        String message = mismatch(detected, DiskFormat.RAW).message();

        assertThat(message).contains(detected.description());
        assertThat(message).contains("Unpack it first");
    }

    @Test
    void luksMessageSaysDecrypt() {
        String message = mismatch(DetectedFormat.LUKS, DiskFormat.RAW).message();

        assertThat(message).contains("a LUKS encrypted volume");
        assertThat(message).contains("Decrypt it");
    }

    @Test
    void qcow2DeclaredRawMessageSaysFormatQcow2() {
        String message = mismatch(DetectedFormat.QCOW2, DiskFormat.RAW).message();

        assertThat(message).contains("declared as raw");
        assertThat(message).contains("a qcow2 image");
        assertThat(message).contains("with format qcow2");
    }

    @ParameterizedTest
    @EnumSource(value = DiskFormat.class, names = {"RAW", "QCOW2"})
    void isoDeclaredAsDiskMessageSaysIsoPlan(DiskFormat declared) {
        String message = mismatch(DetectedFormat.ISO, declared).message();

        assertThat(message).contains("declared as " + declared.label());
        assertThat(message).contains("an ISO 9660 image");
        assertThat(message).contains("in the ISO plan with format iso");
    }

    @Test
    void rawDeclaredQcow2MessageSaysNoMagic() {
        String message = mismatch(DetectedFormat.RAW, DiskFormat.QCOW2).message();

        assertThat(message).contains("declared as qcow2");
        assertThat(message).contains("no qcow2 magic");
        assertThat(message).contains("with format raw");
    }

    @Test
    void rawDeclaredIsoMessageSaysNoDescriptor() {
        String message = mismatch(DetectedFormat.RAW, DiskFormat.ISO).message();

        assertThat(message).contains("declared as iso");
        assertThat(message).contains("no ISO 9660 primary volume descriptor");
    }

    @Test
    void everyMismatchHasMessage() {
        for (DetectedFormat detected : DetectedFormat.values()) {
            for (DiskFormat declared : DiskFormat.values()) {
                if (detected.diskFormat().filter(declared::equals).isPresent()) {
                    continue;
                }
                assertThat(mismatch(detected, declared).message()).as("%s declared as %s", detected, declared)
                        .isNotBlank();
            }
        }
    }

    @Test
    void problemsCopiedOnConstruction() {
        List<Reason> problems = new ArrayList<>();
        Inspection inspection = new Inspection(DetectedFormat.RAW, OptionalLong.empty(), problems);

        problems.add(Reason.deny(ReasonCode.UPLOAD_EMPTY, "empty"));

        assertThat(inspection.problems()).isEmpty();
    }
}
