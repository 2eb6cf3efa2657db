package dev.imagestorage.model;

import java.util.EnumSet;
import java.util.Set;

/** The storage plan an image belongs to; each plan accepts its own disk formats. */
public enum Plan {
    /** Private Template: disk images that boot a virtual server or fill a volume. */
    TEMPLATE(EnumSet.of(DiskFormat.RAW, DiskFormat.QCOW2)),
    /** Private ISO: installer media. */
    ISO(EnumSet.of(DiskFormat.ISO));

    private final Set<DiskFormat> formats;

    Plan(Set<DiskFormat> formats) {
        this.formats = Set.copyOf(formats);
    }

    /** The disk formats an image of this plan may have. */
    public Set<DiskFormat> formats() {
        return formats;
    }

    public boolean accepts(DiskFormat format) {
        return formats.contains(format);
    }
}
