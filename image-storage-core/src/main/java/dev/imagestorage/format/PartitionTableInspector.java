package dev.imagestorage.format;

import dev.imagestorage.format.Inspection.ContentExtent;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Checks an MBR partition table and a GUID partition table (GPT) at the start of raw content or of a hybrid ISO.
 *
 * <p>The MBR has four 16-byte entries at byte 446 and the signature 0x55 0xAA at byte 510; each entry holds a boot
 * indicator, a partition type, and the first sector and sector count as little-endian 32-bit numbers. The GPT header
 * layout and its validity tests (signature, header CRC32, MyLBA, entry array CRC32) follow table 16-1 of the Intel
 * Extensible Firmware Interface Specification 1.02. All GPT numbers are little-endian.
 */
final class PartitionTableInspector {
    /** Where a partition table sits, which decides how strictly its entries are checked. */
    enum Layout {
        /** A disk image: partitions start after the MBR and never overlap. */
        DISK,
        /**
         * A hybrid ISO: the first partition usually starts at sector 0 and covers the whole ISO 9660 volume, and an
         * EFI system partition often lies inside it, so a start at sector 0 and overlaps are allowed.
         */
        HYBRID_ISO
    }

    /** Problems and extents found in a partition table. */
    record Findings(List<Reason> problems, List<ContentExtent> extents) {}

    private static final int SECTOR = 512;
    private static final int MBR_ENTRIES_OFFSET = 446;
    private static final int MBR_ENTRY_LENGTH = 16;
    private static final int MBR_ENTRY_COUNT = 4;
    private static final int MBR_SIGNATURE_OFFSET = 510;
    private static final int PROTECTIVE_TYPE = 0xEE;

    private static final byte[] GPT_SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    private static final int GPT_MIN_HEADER_SIZE = 92;
    private static final int GPT_MAJOR_REVISION = 1;
    private static final int GPT_MIN_ENTRY_SIZE = 128;
    private static final int GPT_MAX_ENTRY_SIZE = 4096;
    /** 128 entries of 128 bytes are usual; the bound keeps the entry array within the inspected bytes. */
    private static final long GPT_MAX_ENTRY_ARRAY_BYTES = 32 * 1024;
    /** LBAs above this overflow a byte offset with 4096-byte sectors. */
    private static final long MAX_LBA = Long.MAX_VALUE / 4096;

    private final ByteBuffer prefix;
    private final ByteBuffer littleEndian;
    private final int length;
    private final Layout layout;
    private final List<Reason> problems = new ArrayList<>();
    private final List<ContentExtent> extents = new ArrayList<>();

    private PartitionTableInspector(ByteBuffer prefix, Layout layout) {
        this.prefix = prefix;
        this.littleEndian = prefix.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.length = prefix.limit();
        this.layout = layout;
    }

    static Findings inspect(ByteBuffer prefix, Layout layout) {
        return new PartitionTableInspector(prefix, layout).inspect();
    }

    private Findings inspect() {
        boolean protective = false;
        if (hasMbrSignature() && !looksLikeFilesystemBootSector()) {
            protective = checkMbr();
        }
        int gptSector = findGptSector();
        if (gptSector > 0) {
            checkGpt(gptSector);
        } else if (protective) {
            invalid("MBR has a GPT protective partition (type 0xEE), but no GPT header (\"EFI PART\") is at byte 512"
                    + " or 4096");
        }
        return new Findings(problems, extents);
    }

    private boolean hasMbrSignature() {
        return length >= SECTOR && Byte.toUnsignedInt(prefix.get(MBR_SIGNATURE_OFFSET)) == 0x55
                && Byte.toUnsignedInt(prefix.get(MBR_SIGNATURE_OFFSET + 1)) == 0xAA;
    }

    /**
     * Tells a FAT, exFAT or NTFS boot sector, which also ends with 0x55 0xAA but holds boot code where an MBR holds
     * partition entries, from an MBR: it starts with a jump instruction and a BIOS parameter block with a valid
     * sector size.
     */
    private boolean looksLikeFilesystemBootSector() {
        int first = Byte.toUnsignedInt(prefix.get(0));
        boolean jump = (first == 0xEB && Byte.toUnsignedInt(prefix.get(2)) == 0x90) || first == 0xE9;
        if (!jump) {
            return false;
        }
        String oemName = new String(bytesAt(3, 8), StandardCharsets.US_ASCII);
        if (oemName.equals("EXFAT   ") || oemName.equals("NTFS    ")) {
            return true;
        }
        int bytesPerSector = Short.toUnsignedInt(littleEndian.getShort(11));
        int sectorsPerCluster = Byte.toUnsignedInt(prefix.get(13));
        int fatCount = Byte.toUnsignedInt(prefix.get(16));
        int media = Byte.toUnsignedInt(prefix.get(21));
        boolean validSectorSize = bytesPerSector == 512 || bytesPerSector == 1024 || bytesPerSector == 2048
                || bytesPerSector == 4096;
        boolean validCluster = sectorsPerCluster != 0 && Integer.bitCount(sectorsPerCluster) == 1;
        boolean validMedia = media == 0xF0 || media >= 0xF8;
        return validSectorSize && validCluster && (fatCount == 1 || fatCount == 2) && validMedia;
    }

    /** Checks the four MBR entries and returns whether one of them is a GPT protective partition. */
    private boolean checkMbr() {
        boolean protective = false;
        List<long[]> ranges = new ArrayList<>();
        for (int i = 0; i < MBR_ENTRY_COUNT; i++) {
            int entry = MBR_ENTRIES_OFFSET + i * MBR_ENTRY_LENGTH;
            int number = i + 1;
            int bootIndicator = Byte.toUnsignedInt(prefix.get(entry));
            int type = Byte.toUnsignedInt(prefix.get(entry + 4));
            long start = Integer.toUnsignedLong(littleEndian.getInt(entry + 8));
            long sectors = Integer.toUnsignedLong(littleEndian.getInt(entry + 12));

            if (bootIndicator != 0x00 && bootIndicator != 0x80) {
                invalid("MBR partition " + number + " has boot indicator 0x" + hex(bootIndicator)
                        + ": expected 0x00 or 0x80");
                continue;
            }
            if (type == 0) {
                continue;
            }
            protective |= type == PROTECTIVE_TYPE;
            if (sectors == 0) {
                invalid("MBR partition " + number + " of type 0x" + hex(type) + " has 0 sectors");
                continue;
            }
            if (start == 0 && layout == Layout.DISK) {
                invalid("MBR partition " + number + " of type 0x" + hex(type) + " starts at sector 0, which holds"
                        + " the partition table itself");
                continue;
            }
            long end = start + sectors;
            extents.add(new ContentExtent("MBR partition " + number + " (sectors " + start + " to " + (end - 1) + ")",
                    end * SECTOR));
            if (layout == Layout.DISK) {
                checkOverlap("MBR partition " + number, start, end, ranges);
            }
        }
        return protective;
    }

    /** Returns the byte offset of the GPT header: 512 for 512-byte sectors, 4096 for 4096-byte sectors, or 0. */
    private int findGptSector() {
        if (FormatInspector.startsWithAt(prefix, SECTOR, GPT_SIGNATURE)) {
            return SECTOR;
        }
        if (FormatInspector.startsWithAt(prefix, 4096, GPT_SIGNATURE)) {
            return 4096;
        }
        return 0;
    }

    private void checkGpt(int sectorSize) {
        int header = sectorSize;
        if (header + GPT_MIN_HEADER_SIZE > length) {
            invalid("GPT header at byte " + header + " is truncated: the content ends after " + length + " bytes");
            return;
        }
        long revision = unsignedInt(header + 8);
        long headerSize = unsignedInt(header + 12);
        if (revision >>> 16 != GPT_MAJOR_REVISION) {
            invalid("GPT header revision 0x" + Long.toHexString(revision) + " is not supported: expected 1.x");
            return;
        }
        if (headerSize < GPT_MIN_HEADER_SIZE || headerSize > sectorSize) {
            invalid("GPT header size " + headerSize + " is invalid: expected " + GPT_MIN_HEADER_SIZE + " to "
                    + sectorSize + " bytes");
            return;
        }
        if (header + headerSize > length) {
            invalid("GPT header at byte " + header + " of " + headerSize + " bytes runs past the " + length
                    + " bytes inspected");
            return;
        }
        long storedCrc = unsignedInt(header + 16);
        long actualCrc = crc32(header, (int) headerSize, header + 16);
        if (storedCrc != actualCrc) {
            invalid("GPT header CRC32 is 0x" + Long.toHexString(storedCrc) + " but the header's bytes have 0x"
                    + Long.toHexString(actualCrc));
            return;
        }

        long myLba = littleEndian.getLong(header + 24);
        long alternateLba = littleEndian.getLong(header + 32);
        long firstUsable = littleEndian.getLong(header + 40);
        long lastUsable = littleEndian.getLong(header + 48);
        long entriesLba = littleEndian.getLong(header + 72);
        long entryCount = unsignedInt(header + 80);
        long entrySize = unsignedInt(header + 84);
        if (myLba != 1) {
            invalid("GPT header at LBA 1 records its own LBA as " + Long.toUnsignedString(myLba));
            return;
        }
        if (!validLba(alternateLba) || !validLba(firstUsable) || !validLba(lastUsable) || !validLba(entriesLba)) {
            invalid("GPT header has an LBA above " + MAX_LBA + ": alternate " + Long.toUnsignedString(alternateLba)
                    + ", first usable " + Long.toUnsignedString(firstUsable) + ", last usable "
                    + Long.toUnsignedString(lastUsable) + ", entry array " + Long.toUnsignedString(entriesLba));
            return;
        }
        if (firstUsable > lastUsable) {
            invalid("GPT first usable LBA " + firstUsable + " is after the last usable LBA " + lastUsable);
            return;
        }
        if (entriesLba < 2) {
            invalid("GPT partition entry array at LBA " + entriesLba + " overlaps the MBR or the GPT header");
            return;
        }
        extents.add(new ContentExtent("the backup GPT header at LBA " + alternateLba, (alternateLba + 1) * sectorSize));
        extents.add(new ContentExtent("the GPT usable area ending at LBA " + lastUsable, (lastUsable + 1) * sectorSize));
        checkGptEntries(sectorSize, entriesLba, entryCount, entrySize, firstUsable, lastUsable);
    }

    private void checkGptEntries(
            int sectorSize, long entriesLba, long entryCount, long entrySize, long firstUsable, long lastUsable) {
        if (entrySize < GPT_MIN_ENTRY_SIZE || entrySize > GPT_MAX_ENTRY_SIZE || Long.bitCount(entrySize) != 1) {
            invalid("GPT partition entry size " + entrySize + " is invalid: expected 128 times a power of 2, at most "
                    + GPT_MAX_ENTRY_SIZE);
            return;
        }
        long arrayBytes = entryCount * entrySize;
        if (arrayBytes > GPT_MAX_ENTRY_ARRAY_BYTES) {
            invalid("GPT partition entry array of " + entryCount + " entries of " + entrySize + " bytes is larger"
                    + " than " + GPT_MAX_ENTRY_ARRAY_BYTES + " bytes");
            return;
        }
        long arrayStart = entriesLba * sectorSize;
        if (arrayStart + arrayBytes > length) {
            invalid("GPT partition entry array at byte " + arrayStart + " runs past the " + length
                    + " bytes inspected, so its partitions cannot be checked");
            return;
        }
        long storedCrc = unsignedInt(sectorSize + 88);
        long actualCrc = crc32((int) arrayStart, (int) arrayBytes, -1);
        if (storedCrc != actualCrc) {
            invalid("GPT partition entry array CRC32 is 0x" + Long.toHexString(storedCrc)
                    + " but the array's bytes have 0x" + Long.toHexString(actualCrc));
            return;
        }

        List<long[]> ranges = new ArrayList<>();
        for (int i = 0; i < entryCount; i++) {
            int entry = (int) (arrayStart + i * entrySize);
            if (littleEndian.getLong(entry) == 0 && littleEndian.getLong(entry + 8) == 0) {
                continue;
            }
            String name = "GPT partition " + (i + 1);
            long first = littleEndian.getLong(entry + 32);
            long last = littleEndian.getLong(entry + 40);
            if (!validLba(first) || !validLba(last) || first > last) {
                invalid(name + " has first LBA " + Long.toUnsignedString(first) + " and last LBA "
                        + Long.toUnsignedString(last) + ": expected first <= last");
                continue;
            }
            if (first < firstUsable || last > lastUsable) {
                invalid(name + " (LBA " + first + " to " + last + ") lies outside the usable LBAs " + firstUsable
                        + " to " + lastUsable);
                continue;
            }
            if (layout == Layout.DISK) {
                checkOverlap(name, first, last + 1, ranges);
            }
        }
    }

    /** Records a problem when [start, end) overlaps a range seen before, then adds it to the ranges. */
    private void checkOverlap(String name, long start, long end, List<long[]> ranges) {
        for (long[] range : ranges) {
            if (start < range[1] && range[0] < end) {
                invalid(name + " (sectors " + start + " to " + (end - 1) + ") overlaps another partition (sectors "
                        + range[0] + " to " + (range[1] - 1) + ")");
                return;
            }
        }
        ranges.add(new long[] {start, end});
    }

    /** Computes the CRC32 of {@code count} bytes at {@code offset}, reading the 4 bytes at {@code zeroed} as 0. */
    private long crc32(int offset, int count, int zeroed) {
        byte[] bytes = bytesAt(offset, count);
        if (zeroed >= offset && zeroed + 4 <= offset + count) {
            for (int i = 0; i < 4; i++) {
                bytes[zeroed - offset + i] = 0;
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private byte[] bytesAt(int offset, int count) {
        byte[] bytes = new byte[count];
        prefix.get(offset, bytes);
        return bytes;
    }

    private static boolean validLba(long lba) {
        return lba >= 0 && lba <= MAX_LBA;
    }

    private long unsignedInt(int offset) {
        return Integer.toUnsignedLong(littleEndian.getInt(offset));
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "%02X", value);
    }

    private void invalid(String message) {
        problems.add(Reason.deny(ReasonCode.FORMAT_PARTITION_TABLE_INVALID, message));
    }
}
