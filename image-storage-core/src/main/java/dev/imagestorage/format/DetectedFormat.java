package dev.imagestorage.format;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.DiskFormat;
import java.util.Optional;

/** The format that {@link FormatInspector} recognises from the first bytes of an image. */
public enum DetectedFormat {
    /** No known signature was found, so the content is taken as a raw disk image. */
    RAW("raw data with no known format signature", DiskFormat.RAW),
    QCOW2("a qcow2 image", DiskFormat.QCOW2),
    ISO("an ISO 9660 image", DiskFormat.ISO),
    VMDK("a VMDK image"),
    VHD("a VHD image"),
    VHDX("a VHDX image"),
    VDI("a VDI image"),
    QED("a QED image"),
    LUKS("a LUKS encrypted volume"),
    GZIP("gzip-compressed data"),
    XZ("xz-compressed data"),
    BZIP2("bzip2-compressed data"),
    ZSTD("zstd-compressed data"),
    ZIP("a zip archive"),
    TAR("a tar archive");

    private final String description;
    private final Optional<DiskFormat> diskFormat;

    DetectedFormat(String description) {
        this.description = requireNonNull(description);
        this.diskFormat = Optional.empty();
    }

    DetectedFormat(String description, DiskFormat diskFormat) {
        this.description = requireNonNull(description);
        this.diskFormat = Optional.of(diskFormat);
    }

    /** A noun phrase for messages, such as "a VMDK image" or "gzip-compressed data". */
    public String description() {
        return description;
    }

    /** The disk format under which the SDK stores content of this format, or empty when it stores none. */
    public Optional<DiskFormat> diskFormat() {
        return diskFormat;
    }
}
