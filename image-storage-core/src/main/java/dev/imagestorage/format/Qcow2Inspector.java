package dev.imagestorage.format;

import dev.imagestorage.catalog.Limits;
import dev.imagestorage.format.Inspection.ContentExtent;
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
    private static final int L1_SIZE = 36;
    private static final int L1_TABLE_OFFSET = 40;
    private static final int REFCOUNT_TABLE_OFFSET = 48;
    private static final int REFCOUNT_TABLE_CLUSTERS = 56;
    private static final int INCOMPATIBLE_FEATURES = 72;
    private static final int REFCOUNT_ORDER = 96;
    private static final int HEADER_LENGTH = 100;
    private static final int COMPRESSION_TYPE = 104;

    /** A version 2 header is exactly this long, and a version 3 header is at least {@link #MIN_V3_HEADER_LENGTH}. */
    private static final int V2_HEADER_LENGTH = 72;
    private static final int MIN_V3_HEADER_LENGTH = 104;

    /** 512-byte clusters are the format's minimum, and QEMU cannot open clusters above 2 MiB. */
    private static final int MIN_CLUSTER_BITS = 9;
    private static final int MAX_CLUSTER_BITS = 21;
    /** Extended L2 entries need clusters of at least 16 KiB. */
    private static final int MIN_EXTENDED_L2_CLUSTER_BITS = 14;
    /** Refcount entries are at most 64 bits wide. */
    private static final int MAX_REFCOUNT_ORDER = 6;
    /** QEMU's implementation limit for the L1 table. */
    private static final long MAX_L1_TABLE_BYTES = 32L << 20;

    private static final long CORRUPT_BIT = 1L << 1;
    private static final long EXTERNAL_DATA_FILE_BIT = 1L << 2;
    private static final long COMPRESSION_TYPE_BIT = 1L << 3;
    private static final long EXTENDED_L2_BIT = 1L << 4;
    /** Dirty, corrupt, external data file, compression type and extended L2 entries: bits 0 to 4. */
    private static final long KNOWN_INCOMPATIBLE_BITS = 0x1FL;
    /** Compression type 0 is deflate and 1 is zstd. */
    private static final int MAX_COMPRESSION_TYPE = 1;

    private static final int END_OF_EXTENSIONS = 0;
    private static final int BACKING_FILE_FORMAT_EXTENSION = 0xE2792ACA;
    private static final int EXTERNAL_DATA_FILE_EXTENSION = 0x44415441;
    private static final int FULL_DISK_ENCRYPTION_EXTENSION = 0x0537BE77;
    private static final int EXTENSION_HEADER_LENGTH = 8;

    private static final String CONVERT_HINT = "Convert it to a standalone image with '"
            + MismatchReasons.CONVERT_COMMAND + "'";

    private final ByteBuffer prefix;
    private final int length;
    private final long maxVirtualSizeBytes;
    private final List<Reason> problems = new ArrayList<>();
    private final List<ContentExtent> extents = new ArrayList<>();

    private Qcow2Inspector(ByteBuffer prefix, long maxVirtualSizeBytes) {
        this.prefix = prefix;
        this.length = prefix.limit();
        this.maxVirtualSizeBytes = maxVirtualSizeBytes;
    }

    static boolean hasMagic(ByteBuffer prefix) {
        return prefix.limit() >= Integer.BYTES && prefix.getInt(0) == MAGIC;
    }

    /** Inspects a big-endian prefix that starts with the qcow2 magic. */
    static Inspection inspect(ByteBuffer prefix, long maxVirtualSizeBytes) {
        return new Qcow2Inspector(prefix, maxVirtualSizeBytes).inspect();
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
        OptionalInt clusterBits = readClusterBits();
        checkEncryption();
        if (clusterBits.isPresent() && virtualSize.isPresent()) {
            checkTables(clusterBits.getAsInt(), virtualSize.getAsLong(), version == 3 && hasExtendedL2());
        }
        int extensionsStart = V2_HEADER_LENGTH;
        if (version == 3) {
            checkIncompatibleFeatures(clusterBits);
            checkRefcountOrder();
            OptionalInt headerLength = readHeaderLength(clusterBits);
            if (headerLength.isEmpty()) {
                return result(virtualSize);
            }
            checkCompressionType(headerLength.getAsInt());
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
        if (size > maxVirtualSizeBytes) {
            problems.add(Reason.deny(ReasonCode.FORMAT_VIRTUAL_SIZE_LIMIT, "qcow2 virtual size of " + size
                    + " bytes is above the image size limit of " + Limits.describeSize(maxVirtualSizeBytes)
                    + ". Shrink the disk with 'qemu-img resize --shrink FILE SIZE' or split it into smaller disks"));
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

    /** Returns the cluster bits, or empty after recording why they are invalid. */
    private OptionalInt readClusterBits() {
        long clusterBits = unsignedInt(CLUSTER_BITS);
        if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
            invalid("qcow2 cluster bits " + clusterBits + " are invalid: expected " + MIN_CLUSTER_BITS + " to "
                    + MAX_CLUSTER_BITS + " (clusters of 512 bytes to 2 MiB)");
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) clusterBits);
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

    /**
     * Checks that the L1 table covers the virtual size and that the L1 and refcount tables start on a cluster
     * boundary, and records where both end so that the content length can be checked against them.
     */
    private void checkTables(int clusterBits, long virtualSize, boolean extendedL2) {
        long clusterSize = 1L << clusterBits;
        int l2EntryBits = extendedL2 ? 4 : 3;
        // One L1 entry maps one L2 table, which maps clusterSize / L2 entry size clusters.
        int bytesPerL1EntryBits = clusterBits + clusterBits - l2EntryBits;
        long requiredL1Entries = ceilShift(virtualSize, bytesPerL1EntryBits);
        long l1Entries = unsignedInt(L1_SIZE);
        long l1Bytes = l1Entries * Long.BYTES;
        if (l1Entries < requiredL1Entries) {
            invalid("qcow2 L1 table of " + l1Entries + " entries is too small for the virtual size of "
                    + virtualSize + " bytes, which needs " + requiredL1Entries);
        } else if (l1Bytes > MAX_L1_TABLE_BYTES) {
            invalid("qcow2 L1 table of " + l1Entries + " entries is larger than QEMU's limit of "
                    + MAX_L1_TABLE_BYTES + " bytes");
        }
        if (l1Entries > 0) {
            addTable("L1 table", L1_TABLE_OFFSET, l1Bytes, clusterSize);
        }

        long refcountClusters = unsignedInt(REFCOUNT_TABLE_CLUSTERS);
        if (refcountClusters == 0) {
            invalid("qcow2 refcount table occupies 0 clusters: expected at least 1");
        } else {
            addTable("refcount table", REFCOUNT_TABLE_OFFSET, refcountClusters << clusterBits, clusterSize);
        }
    }

    private void addTable(String name, int offsetField, long tableBytes, long clusterSize) {
        long offset = prefix.getLong(offsetField);
        if (offset <= 0 || offset % clusterSize != 0) {
            invalid("qcow2 " + name + " offset " + Long.toUnsignedString(offset) + " is invalid: expected a"
                    + " positive multiple of the cluster size " + clusterSize);
            return;
        }
        long end = offset + tableBytes;
        if (end < 0) {
            invalid("qcow2 " + name + " at byte " + offset + " with " + tableBytes + " bytes ends past the maximum"
                    + " file size");
            return;
        }
        extents.add(new ContentExtent("the qcow2 " + name + " at byte " + offset, end));
    }

    private boolean hasExtendedL2() {
        return (prefix.getLong(INCOMPATIBLE_FEATURES) & EXTENDED_L2_BIT) != 0;
    }

    private void checkIncompatibleFeatures(OptionalInt clusterBits) {
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
        if ((features & EXTENDED_L2_BIT) != 0 && clusterBits.isPresent()
                && clusterBits.getAsInt() < MIN_EXTENDED_L2_CLUSTER_BITS) {
            invalid("qcow2 image uses extended L2 entries with cluster bits " + clusterBits.getAsInt()
                    + ", but extended L2 entries need cluster bits of at least " + MIN_EXTENDED_L2_CLUSTER_BITS);
        }
    }

    private void checkRefcountOrder() {
        long refcountOrder = unsignedInt(REFCOUNT_ORDER);
        if (refcountOrder > MAX_REFCOUNT_ORDER) {
            invalid("qcow2 refcount order " + refcountOrder + " is invalid: expected 0 to " + MAX_REFCOUNT_ORDER
                    + " (refcounts of 1 to 64 bits)");
        }
    }

    /** Returns the version 3 header length, or empty after recording why it is invalid. */
    private OptionalInt readHeaderLength(OptionalInt clusterBits) {
        long headerLength = unsignedInt(HEADER_LENGTH);
        if (headerLength < MIN_V3_HEADER_LENGTH || headerLength % 8 != 0) {
            invalid("qcow2 header length " + headerLength + " is invalid: expected a multiple of 8 and at least "
                    + MIN_V3_HEADER_LENGTH);
            return OptionalInt.empty();
        }
        if (clusterBits.isPresent() && headerLength > 1L << clusterBits.getAsInt()) {
            invalid("qcow2 header length " + headerLength + " is larger than the first cluster of "
                    + (1L << clusterBits.getAsInt()) + " bytes, which must contain the header");
            return OptionalInt.empty();
        }
        if (headerLength > length) {
            invalid("qcow2 header length " + headerLength + " runs past the " + length + " bytes inspected");
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) headerLength);
    }

    /**
     * Checks the compression type field, which a header of at least 105 bytes contains. The compression type bit
     * requires a non-zero field, and a zero field means deflate.
     */
    private void checkCompressionType(int headerLength) {
        boolean bitSet = (prefix.getLong(INCOMPATIBLE_FEATURES) & COMPRESSION_TYPE_BIT) != 0;
        int compressionType = headerLength > COMPRESSION_TYPE ? Byte.toUnsignedInt(prefix.get(COMPRESSION_TYPE)) : 0;
        if (compressionType > MAX_COMPRESSION_TYPE) {
            invalid("qcow2 compression type " + compressionType + " is unknown: expected 0 (deflate) or 1 (zstd)");
        } else if (bitSet && compressionType == 0) {
            invalid("qcow2 header sets the compression type bit (incompatible feature bit 3) but no non-default"
                    + " compression type");
        } else if (!bitSet && compressionType != 0) {
            invalid("qcow2 compression type " + compressionType + " is set without the compression type bit"
                    + " (incompatible feature bit 3)");
        }
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
        } else if (type == FULL_DISK_ENCRYPTION_EXTENSION) {
            problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_ENCRYPTED,
                    "qcow2 image has a full disk encryption header extension at byte " + offset
                            + ". Upload an unencrypted image"));
        }
    }

    /** Returns {@code value / 2^bits} rounded up, for a non-negative value. */
    private static long ceilShift(long value, int bits) {
        long remainder = value & ((1L << bits) - 1);
        return (value >>> bits) + (remainder == 0 ? 0 : 1);
    }

    private long unsignedInt(int offset) {
        return Integer.toUnsignedLong(prefix.getInt(offset));
    }

    private void invalid(String message) {
        problems.add(Reason.deny(ReasonCode.FORMAT_QCOW2_INVALID_HEADER, message));
    }

    private Inspection result(OptionalLong virtualSize) {
        return new Inspection(DetectedFormat.QCOW2, virtualSize, problems, extents);
    }
}
