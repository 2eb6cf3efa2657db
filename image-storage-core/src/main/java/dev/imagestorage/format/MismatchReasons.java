package dev.imagestorage.format;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;

/** Builds the {@code FORMAT_MISMATCH} reasons, whose messages name the declared format, the content and the fix. */
final class MismatchReasons {
    static final String CONVERT_COMMAND = "qemu-img convert -O qcow2 FILE out.qcow2";

    private MismatchReasons() {}

    static Reason mismatch(DiskFormat declared, DetectedFormat detected) {
        String message = detected == DetectedFormat.RAW
                ? noSignatureMessage(declared)
                : "the image is declared as " + declared.label() + " but its content is " + detected.description()
                        + ". " + remedy(detected);
        return Reason.deny(ReasonCode.FORMAT_MISMATCH, message);
    }

    private static String noSignatureMessage(DiskFormat declared) {
        String missing = switch (declared) {
            case QCOW2 -> "no qcow2 magic (QFI\\xfb) was found at byte 0";
            case ISO -> "no ISO 9660 primary volume descriptor was found at byte 32768 (0x8000)";
            case RAW -> throw new IllegalArgumentException("raw content declared as raw is not a mismatch");
        };
        return "the image is declared as " + declared.label() + " but " + missing
                + ", and the content matches no other known format. If it is a raw disk image, register it in the"
                + " Template plan with format raw";
    }

    private static String remedy(DetectedFormat detected) {
        return switch (detected) {
            case QCOW2 -> "Register it in the Template plan with format qcow2";
            case ISO -> "Register it in the ISO plan with format iso";
            case VMDK, VHD, VHDX, VDI, QED -> "Convert it with '" + CONVERT_COMMAND
                    + "' and upload out.qcow2 with format qcow2";
            case LUKS -> "Decrypt it and upload the plain disk image, because the SDK cannot check encrypted content";
            case GZIP, XZ, BZIP2, ZSTD -> "Decompress it first and upload the disk image inside";
            case ZIP, TAR -> "Unpack it first and upload the disk image inside";
            case RAW -> throw new IllegalArgumentException("raw content has no remedy of its own");
        };
    }
}
