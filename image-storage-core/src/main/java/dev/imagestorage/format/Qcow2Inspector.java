package dev.imagestorage.format;

import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads a qcow2 header and its header extensions and lists what makes the image unsafe or invalid. Offsets, feature
 * bits and extension types follow QEMU's "Qcow2 Image File Format" (docs/interop/qcow2.rst in the QEMU source), where
 * every number is big-endian.
 */
final class Qcow2Inspector {
    private static final int MAGIC = 0x514649FB; // "QFI\xfb"

    // Byte offsets of header fields.
    private static final int VERSION = 4;
    private static final int BACKING_FILE_OFFSET = 8;
    private static final int CLUSTER_BITS = 20;
    private static final int SIZE = 24;
    private static final int CRYPT_METHOD = 32;
    private static final int INCOMPATIBLE_FEATURES = 72;
    private static final int HEADER_LENGTH = 100;

    /** A version 2 header is exactly this long, and a version 3 header is at least {@link #MIN_V3_HEADER_LENGTH}. */
    private static final int V2_HEADER_LENGTH = 72;
    private static final int MIN_V3_HEADER_LENGTH = 104;

    /** 512-byte clusters are the format's minimum, and QEMU cannot open clusters above 2 MiB. */
    private static final int MIN_CLUSTER_BITS = 9;
    private static final int MAX_CLUSTER_BITS = 21;

    private static final long CORRUPT_BIT = 1L << 1;
    private static final long EXTERNAL_DATA_FILE_BIT = 1L << 2;
    /** Dirty, corrupt, external data file, compression type and extended L2 entries: bits 0 to 4. */
    private static final long KNOWN_INCOMPATIBLE_BITS = 0x1FL;

    private static final int END_OF_EXTENSIONS = 0;
    private static final int BACKING_FILE_FORMAT_EXTENSION = 0xE2792ACA;
    private static final int EXTERNAL_DATA_FILE_EXTENSION = 0x44415441;
    private static final int EXTENSION_HEADER_LENGTH = 8;

    private static final String CONVERT_HINT = "Convert it to a standalone image with '"
            + MismatchReasons.CONVERT_COMMAND + "'";

    private final ByteBuffer prefix;
    private final int length;
    private final List<Reason> problems = new ArrayList<>();

    private Qcow2Inspector(ByteBuffer prefix) {
        this.prefix = prefix;
        this.length = prefix.limit();
    }

    static boolean hasMagic(ByteBuffer prefix) {
        return prefix.limit() >= Integer.BYTES && prefix.getInt(0) == MAGIC;
    }

    /** Inspects a big-endian prefix that starts with the qcow2 magic. */
    static Inspection inspect(ByteBuffer prefix) {
        return new Qcow2Inspector(prefix).inspect();
    }

    private Inspection inspect() {
        if (length < VERSION + Integer.BYTES) {
            invalid("qcow2 header is truncated: the content ends after " + length + " bytes, before the version");
            return result(OptionalLong.empty());
        }
        long version = unsignedInt(VERSION);
        if (version != 2 && version != 3) {
            invalid("qcow2 version " + version + " is not supported: expected 2 or 3");
            return result(OptionalLong.empty());
        }
        int fixedHeaderLength = version == 2 ? V2_HEADER_LENGTH : MIN_V3_HEADER_LENGTH;
        if (length < fixedHeaderLength) {
            invalid("qcow2 version " + version + " header is truncated: the content ends after " + length
                    + " bytes, but the header needs " + fixedHeaderLength);
            return result(OptionalLong.empty());
        }

        OptionalLong virtualSize = readVirtualSize();
        checkBackingFile();
        checkClusterBits();
        checkEncryption();
        int extensionsStart = V2_HEADER_LENGTH;
        if (version == 3) {
            checkIncompatibleFeatures();
            OptionalInt headerLength = readHeaderLength();
            if (headerLength.isEmpty()) {
                return result(virtualSize);
            }
            extensionsStart = headerLength.getAsInt();
        }
        checkExtensions(extensionsStart);
        return result(virtualSize);
    }

    private OptionalLong readVirtualSize() {
        long size = prefix.getLong(SIZE);
        if (size < 0) {
            invalid("qcow2 virtual size " + Long.toUnsignedString(size) + " is above the maximum of "
                    + Long.MAX_VALUE + " bytes");
            return OptionalLong.empty();
        }
        return OptionalLong.of(size);
    }

    private void checkBackingFile() {
        long backingFileOffset = prefix.getLong(BACKING_FILE_OFFSET);
        if (backingFileOffset != 0) {
            problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_BACKING_FILE,
                    "qcow2 image depends on a backing file whose name is stored at byte "
                            + Long.toUnsignedString(backingFileOffset) + ". " + CONVERT_HINT));
        }
    }

    private void checkClusterBits() {
        long clusterBits = unsignedInt(CLUSTER_BITS);
        if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
            invalid("qcow2 cluster bits " + clusterBits + " are invalid: expected " + MIN_CLUSTER_BITS + " to "
                    + MAX_CLUSTER_BITS + " (clusters of 512 bytes to 2 MiB)");
        }
    }

    private void checkEncryption() {
        int cryptMethod = prefix.getInt(CRYPT_METHOD);
        if (cryptMethod != 0) {
            String name = switch (cryptMethod) {
                case 1 -> "AES";
                case 2 -> "LUKS";
                default -> "unknown";
            };
            problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_ENCRYPTED, "qcow2 image is encrypted (crypt method "
                    + Integer.toUnsignedString(cryptMethod) + ", " + name + "). Upload an unencrypted image"));
        }
    }

    private void checkIncompatibleFeatures() {
        long features = prefix.getLong(INCOMPATIBLE_FEATURES);
        if ((features & EXTERNAL_DATA_FILE_BIT) != 0) {
            problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_DATA_FILE,
                    "qcow2 image stores its data in an external data file (incompatible feature bit 2). "
                            + CONVERT_HINT));
        }
        if ((features & CORRUPT_BIT) != 0) {
            invalid("qcow2 image is marked corrupt (incompatible feature bit 1). Repair it with"
                    + " 'qemu-img check -r all FILE' before uploading it");
        }
        long unknown = features & ~KNOWN_INCOMPATIBLE_BITS;
        if (unknown != 0) {
            invalid("qcow2 header sets unknown incompatible feature bits 0x" + Long.toHexString(unknown)
                    + ", so the image cannot be read safely");
        }
    }

    /** Returns the version 3 header length, or empty after recording why it is invalid. */
    private OptionalInt readHeaderLength() {
        long headerLength = unsignedInt(HEADER_LENGTH);
        if (headerLength < MIN_V3_HEADER_LENGTH || headerLength % 8 != 0) {
            invalid("qcow2 header length " + headerLength + " is invalid: expected a multiple of 8 and at least "
                    + MIN_V3_HEADER_LENGTH);
            return OptionalInt.empty();
        }
        if (headerLength > length) {
            invalid("qcow2 header length " + headerLength + " runs past the " + length + " bytes inspected");
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) headerLength);
    }

    /**
     * Walks the header extensions that follow the header, up to the end marker. An extension area that runs past the
     * inspected bytes is invalid, because an unseen extension could name a backing or data file.
     */
    private void checkExtensions(int start) {
        long offset = start;
        while (true) {
            if (offset + EXTENSION_HEADER_LENGTH > length) {
                invalid("qcow2 header extensions starting at byte " + start + " have no end marker within the "
                        + length + " bytes inspected");
                return;
            }
            int type = prefix.getInt((int) offset);
            if (type == END_OF_EXTENSIONS) {
                return;
            }
            long dataLength = unsignedInt((int) offset + Integer.BYTES);
            long dataStart = offset + EXTENSION_HEADER_LENGTH;
            if (dataStart + dataLength > length) {
                invalid("qcow2 header extension 0x" + Integer.toHexString(type) + " at byte " + offset
                        + " declares " + dataLength + " bytes of data, which run past the " + length
                        + " bytes inspected");
                return;
            }
            checkExtensionType(type, offset);
            // Extension data is padded to a multiple of 8 bytes.
            offset = dataStart + ((dataLength + 7) & ~7L);
        }
    }

    private void checkExtensionType(int type, long offset) {
        if (type == EXTERNAL_DATA_FILE_EXTENSION) {
            problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_DATA_FILE,
                    "qcow2 image names an external data file in the header extension at byte " + offset + ". "
                            + CONVERT_HINT));
        } else if (type == BACKING_FILE_FORMAT_EXTENSION) {
            problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_BACKING_FILE,
                    "qcow2 image names a backing file format in the header extension at byte " + offset
                            + ", so it depends on a backing file. " + CONVERT_HINT));
        }
    }

    private long unsignedInt(int offset) {
        return Integer.toUnsignedLong(prefix.getInt(offset));
    }

    private void invalid(String message) {
        problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_INVALID_HEADER, message));
    }

    private Inspection result(OptionalLong virtualSize) {
        return new Inspection(DetectedFormat.QCOW2, virtualSize, problems);
    }
}
