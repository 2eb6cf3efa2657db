package dev.imagestorage.model;

import java.util.Locale;

/** The on-disk format of an image's bytes. */
public enum DiskFormat {
    RAW,
    QCOW2,
    ISO;

    /** Parses a format name such as {@code qcow2}, ignoring case. */
    public static DiskFormat parse(String name) {
        for (DiskFormat format : values()) {
            if (format.name().equalsIgnoreCase(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown disk format '" + name + "': expected raw, qcow2 or iso");
    }

    /** The lower-case name used by image services and by {@code qemu-img}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
