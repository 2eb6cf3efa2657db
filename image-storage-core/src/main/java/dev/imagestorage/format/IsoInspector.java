package dev.imagestorage.format;

import dev.imagestorage.catalog.Limits;
import dev.imagestorage.format.Inspection.ContentExtent;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Checks the volume descriptor set of an ISO 9660 image. Offsets follow the primary volume descriptor layout of
 * ECMA-119 as the OSDev wiki page "ISO 9660" tabulates it: the set starts at byte 32768 (0x8000), each descriptor is
 * 2048 bytes long and starts with a type byte, the identifier "CD001" and a version byte, and the set ends with a
 * terminator of type 255. Numeric fields of the primary descriptor are stored twice, little-endian then big-endian.
 */
final class IsoInspector {
    static final int DESCRIPTOR_AREA_OFFSET = 0x8000;
    static final String DESCRIPTOR_AREA_DESCRIPTION = "volume descriptor at byte 32768 (0x8000)";

    private static final int DESCRIPTOR_LENGTH = 2048;
    private static final byte[] IDENTIFIER = "CD001".getBytes(StandardCharsets.US_ASCII);
    private static final int IDENTIFIER_OFFSET = 1;
    private static final int VERSION_OFFSET = 6;

    private static final int TYPE_BOOT_RECORD = 0;
    private static final int TYPE_PRIMARY = 1;
    private static final int TYPE_PARTITION = 3;
    private static final int TYPE_TERMINATOR = 255;

    // Offsets within the primary volume descriptor.
    private static final int VOLUME_SPACE_SIZE_LE = 80;
    private static final int VOLUME_SPACE_SIZE_BE = 84;
    private static final int LOGICAL_BLOCK_SIZE_LE = 128;
    private static final int LOGICAL_BLOCK_SIZE_BE = 130;

    private final ByteBuffer prefix;
    private final int length;
    private final long maxVirtualSizeBytes;
    private final List<Reason> problems = new ArrayList<>();
    private final List<ContentExtent> extents = new ArrayList<>();

    private IsoInspector(ByteBuffer prefix, long maxVirtualSizeBytes) {
        this.prefix = prefix;
        this.length = prefix.limit();
        this.maxVirtualSizeBytes = maxVirtualSizeBytes;
    }

    /** Checks for the identifier "CD001" of a volume descriptor at the start of the descriptor area. */
    static boolean hasDescriptorIdentifier(ByteBuffer prefix) {
        return FormatInspector.startsWithAt(prefix, DESCRIPTOR_AREA_OFFSET + IDENTIFIER_OFFSET, IDENTIFIER);
    }

    /** Inspects a prefix whose descriptor area starts with the identifier "CD001". */
    static Inspection inspect(ByteBuffer prefix, long maxVirtualSizeBytes) {
        return new IsoInspector(prefix, maxVirtualSizeBytes).inspect();
    }

    private Inspection inspect() {
        int primary = DESCRIPTOR_AREA_OFFSET;
        if (length < primary + DESCRIPTOR_LENGTH) {
            invalid("ISO 9660 primary volume descriptor at byte " + primary + " is truncated: the content ends after "
                    + length + " bytes");
            return result(OptionalLong.empty());
        }
        int type = Byte.toUnsignedInt(prefix.get(primary));
        int version = Byte.toUnsignedInt(prefix.get(primary + VERSION_OFFSET));
        if (type != TYPE_PRIMARY || version != 1) {
            invalid("ISO 9660 volume descriptor at byte " + primary + " has type " + type + " and version " + version
                    + ", but an ISO 9660 image starts with a primary volume descriptor of type 1 and version 1");
            return result(OptionalLong.empty());
        }

        OptionalLong volumeSize = readVolumeSize(primary);
        checkDescriptorSet();
        return result(volumeSize);
    }

    /**
     * Returns the volume space size times the logical block size, or empty after recording why either is invalid.
     * Both copies of each field must agree, so that readers of either byte order see the same volume.
     */
    private OptionalLong readVolumeSize(int primary) {
        ByteBuffer littleEndian = prefix.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long blocks = Integer.toUnsignedLong(littleEndian.getInt(primary + VOLUME_SPACE_SIZE_LE));
        long blocksBigEndian = Integer.toUnsignedLong(prefix.getInt(primary + VOLUME_SPACE_SIZE_BE));
        int blockSize = Short.toUnsignedInt(littleEndian.getShort(primary + LOGICAL_BLOCK_SIZE_LE));
        int blockSizeBigEndian = Short.toUnsignedInt(prefix.getShort(primary + LOGICAL_BLOCK_SIZE_BE));

        if (blocks != blocksBigEndian) {
            invalid("ISO 9660 volume space size is " + blocks + " blocks in its little-endian copy but "
                    + blocksBigEndian + " in its big-endian copy");
            return OptionalLong.empty();
        }
        if (blockSize != blockSizeBigEndian) {
            invalid("ISO 9660 logical block size is " + blockSize + " bytes in its little-endian copy but "
                    + blockSizeBigEndian + " in its big-endian copy");
            return OptionalLong.empty();
        }
        if (blockSize != 512 && blockSize != 1024 && blockSize != 2048) {
            invalid("ISO 9660 logical block size " + blockSize + " is invalid: expected 512, 1024 or 2048 bytes");
            return OptionalLong.empty();
        }

        long size = blocks * blockSize;
        long descriptorAreaEnd = DESCRIPTOR_AREA_OFFSET + 2L * DESCRIPTOR_LENGTH;
        if (size < descriptorAreaEnd) {
            invalid("ISO 9660 volume of " + blocks + " blocks of " + blockSize + " bytes is smaller than its own"
                    + " volume descriptors, which end at byte " + descriptorAreaEnd + " or later");
            return OptionalLong.empty();
        }
        if (size > maxVirtualSizeBytes) {
            problems.add(Reason.deny(ReasonCode.FORMAT_VIRTUAL_SIZE_LIMIT, "ISO 9660 volume of " + size
                    + " bytes is above the image size limit of " + Limits.describeSize(maxVirtualSizeBytes)));
        }
        extents.add(new ContentExtent(
                "the ISO 9660 volume of " + blocks + " blocks of " + blockSize + " bytes", size));
        return OptionalLong.of(size);
    }

    /**
     * Walks the descriptors up to the set terminator. A set that has no terminator within the inspected bytes is
     * invalid, because a reader would take whatever follows for more descriptors.
     */
    private void checkDescriptorSet() {
        for (int offset = DESCRIPTOR_AREA_OFFSET; offset + VERSION_OFFSET < length; offset += DESCRIPTOR_LENGTH) {
            if (!FormatInspector.startsWithAt(prefix, offset + IDENTIFIER_OFFSET, IDENTIFIER)) {
                invalid("ISO 9660 volume descriptor at byte " + offset + " has no CD001 identifier, and no set"
                        + " terminator (type 255) comes before it");
                return;
            }
            int type = Byte.toUnsignedInt(prefix.get(offset));
            if (type == TYPE_TERMINATOR) {
                return;
            }
            if (type < TYPE_BOOT_RECORD || type > TYPE_PARTITION) {
                invalid("ISO 9660 volume descriptor at byte " + offset + " has unknown type " + type
                        + ": expected 0 to 3, or 255 for the set terminator");
                return;
            }
        }
        invalid("ISO 9660 volume descriptor set has no terminator (type 255) within the " + length
                + " bytes inspected");
    }

    private void invalid(String message) {
        problems.add(Reason.deny(ReasonCode.FORMAT_ISO_INVALID, message));
    }

    private Inspection result(OptionalLong volumeSize) {
        return new Inspection(DetectedFormat.ISO, volumeSize, problems, extents);
    }
}
