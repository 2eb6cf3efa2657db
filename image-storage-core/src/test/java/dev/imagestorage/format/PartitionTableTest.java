package dev.imagestorage.format;

import static dev.imagestorage.policy.ReasonCode.FORMAT_PARTITION_TABLE_INVALID;
import static dev.imagestorage.policy.ReasonCode.FORMAT_TRUNCATED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MBR and GPT checks on raw disks and hybrid ISOs, on partition tables built byte by byte. */
class PartitionTableTest {
    /**
     * Sectors in the disks built here. 63 KiB is shorter than the prefix, so the inspector has the whole content and
     * checks the partitions against its length at once.
     */
    private static final int DISK_SECTORS = 126;
    private static final int SECTOR = 512;

    private static ByteBuffer disk() {
        return ByteBuffer.allocate(DISK_SECTORS * SECTOR).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes MBR entry {@code index} (0 to 3) and the MBR signature. */
    private static void putMbrEntry(ByteBuffer disk, int index, int bootIndicator, int type, long start, long sectors) {
        int entry = 446 + index * 16;
        disk.put(entry, (byte) bootIndicator);
        disk.put(entry + 4, (byte) type);
        disk.putInt(entry + 8, (int) start);
        disk.putInt(entry + 12, (int) sectors);
        disk.put(510, (byte) 0x55);
        disk.put(511, (byte) 0xAA);
    }

    private static Inspection inspect(ByteBuffer content) {
        return FormatInspector.inspect(content.array(), content.capacity());
    }

    private static List<ReasonCode> codes(ByteBuffer content) {
        return inspect(content).problems().stream().map(Reason::code).toList();
    }

    @Test
    void mbrWithTwoPartitionsAccepted() {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, 0x80, 0x83, 2, 40);
        putMbrEntry(disk, 1, 0x00, 0x82, 42, 40);

        Inspection inspection = inspect(disk);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.rejectionFor(DiskFormat.RAW)).isEmpty();
    }

    @Test
    void mbrSignatureWithEmptyEntriesAccepted() {
        ByteBuffer disk = disk();
        disk.put(510, (byte) 0x55).put(511, (byte) 0xAA);

        assertThat(codes(disk)).isEmpty();
    }

    @ParameterizedTest(name = "boot indicator {0}")
    @ValueSource(ints = {0x01, 0x7F, 0x81, 0xFF})
    void mbrBootIndicatorInvalid(int bootIndicator) {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, bootIndicator, 0x83, 2, 40);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("boot indicator");
    }

    @Test
    void mbrOverlappingPartitionsInvalid() {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, 0x00, 0x83, 2, 40);
        putMbrEntry(disk, 1, 0x00, 0x83, 41, 10);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("overlaps");
    }

    @Test
    void mbrPartitionAtSectorZeroInvalid() {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, 0x00, 0x83, 0, 40);

        assertThat(codes(disk)).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
    }

    @Test
    void mbrPartitionWithoutSectorsInvalid() {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, 0x00, 0x83, 2, 0);

        assertThat(codes(disk)).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
    }

    @Test
    void mbrPartitionPastContentTruncated() {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, 0x00, 0x83, 2, DISK_SECTORS);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_TRUNCATED);
        assertThat(inspection.problems().get(0).message()).contains("MBR partition 1");
    }

    @Test
    void mbrPartitionOverflowingSectorCountTruncated() {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, 0x00, 0x83, 0xFFFFFFFFL, 0xFFFFFFFFL);

        assertThat(codes(disk)).containsExactly(FORMAT_TRUNCATED);
    }

    @Test
    void mbrPartitionPastPrefixLeftToContentLength() {
        ByteBuffer disk = ByteBuffer.allocate(FormatInspector.PREFIX_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        putMbrEntry(disk, 0, 0x00, 0x83, 2048, 1_000_000);

        Inspection inspection = inspect(disk);

        // The content may go on after the prefix, so the check waits for the whole length.
        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.rejectionForContentLength(1024L * 1024 * 1024).map(Reason::code)).isEmpty();
        assertThat(inspection.rejectionForContentLength(1024L * 1024).map(Reason::code)).contains(FORMAT_TRUNCATED);
    }

    @Test
    void fatBootSectorNotTakenForMbr() {
        ByteBuffer disk = disk();
        // A FAT boot sector: jump, OEM name, 512-byte sectors, 4 sectors per cluster, 2 FATs, media 0xF8.
        disk.put(0, (byte) 0xEB).put(1, (byte) 0x3C).put(2, (byte) 0x90);
        disk.put(3, "MSWIN4.1".getBytes(StandardCharsets.US_ASCII));
        disk.putShort(11, (short) 512);
        disk.put(13, (byte) 4);
        disk.put(16, (byte) 2);
        disk.put(21, (byte) 0xF8);
        // Boot code bytes where an MBR would hold entries, with an invalid boot indicator.
        disk.put(446, (byte) 0x33);
        disk.put(510, (byte) 0x55).put(511, (byte) 0xAA);

        assertThat(codes(disk)).isEmpty();
    }

    @Test
    void gptDiskAccepted() {
        ByteBuffer disk = gptDisk();

        Inspection inspection = inspect(disk);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.RAW);
        assertThat(inspection.problems()).isEmpty();
    }

    @Test
    void gptHeaderCrcMismatchInvalid() {
        ByteBuffer disk = gptDisk();
        disk.putLong(512 + 40, 35);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("GPT header CRC32");
    }

    @ParameterizedTest(name = "header size {0}")
    @ValueSource(ints = {0, 91, 513, -1})
    void gptHeaderSizeInvalid(int headerSize) {
        ByteBuffer disk = gptDisk();
        disk.putInt(512 + 12, headerSize);
        sealGptHeader(disk);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("GPT header size");
    }

    @Test
    void gptEntryArrayCrcMismatchInvalid() {
        ByteBuffer disk = gptDisk();
        disk.putLong(1024 + 32, 40);
        sealGptHeader(disk);

        assertThat(codes(disk)).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
    }

    @Test
    void gptPartitionOutsideUsableAreaInvalid() {
        ByteBuffer disk = gptDisk();
        disk.putLong(1024 + 40, DISK_SECTORS + 10L);
        sealGptEntries(disk);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("outside the usable LBAs");
    }

    @Test
    void gptOverlappingPartitionsInvalid() {
        ByteBuffer disk = gptDisk();
        putGptEntry(disk, 1, 40, 60);
        sealGptEntries(disk);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("overlaps");
    }

    @Test
    void gptEntryCountOverflowInvalid() {
        ByteBuffer disk = gptDisk();
        disk.putInt(512 + 80, -1);
        sealGptHeader(disk);

        assertThat(codes(disk)).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
    }

    @Test
    void protectiveMbrWithoutGptInvalid() {
        ByteBuffer disk = disk();
        putMbrEntry(disk, 0, 0x00, 0xEE, 1, DISK_SECTORS - 3);

        Inspection inspection = inspect(disk);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
        assertThat(inspection.problems().get(0).message()).contains("no GPT header");
    }

    @Test
    void hybridIsoPartitionAtSectorZeroAccepted() {
        byte[] iso = Fixtures.prefix("tiny.iso");
        ByteBuffer mbr = ByteBuffer.wrap(iso).order(ByteOrder.LITTLE_ENDIAN);
        putMbrEntry(mbr, 0, 0x80, 0x00, 0, 376_832 / SECTOR);
        // An EFI system partition inside the first one, as hybrid ISOs of Linux distributions have.
        putMbrEntry(mbr, 1, 0x00, 0xEF, 100, 20);

        Inspection inspection = FormatInspector.inspect(iso, iso.length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.ISO);
        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.rejectionForContentLength(376_832)).isEmpty();
    }

    @Test
    void hybridIsoBrokenMbrInvalid() {
        byte[] iso = Fixtures.prefix("tiny.iso");
        ByteBuffer mbr = ByteBuffer.wrap(iso).order(ByteOrder.LITTLE_ENDIAN);
        putMbrEntry(mbr, 0, 0x12, 0x17, 0, 736);

        Inspection inspection = FormatInspector.inspect(iso, iso.length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.ISO);
        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_PARTITION_TABLE_INVALID);
    }

    @Test
    void hybridIsoPartitionPastIsoTruncated() {
        byte[] iso = Fixtures.prefix("tiny.iso");
        ByteBuffer mbr = ByteBuffer.wrap(iso).order(ByteOrder.LITTLE_ENDIAN);
        putMbrEntry(mbr, 0, 0x80, 0x17, 0, 2000);

        Inspection inspection = FormatInspector.inspect(iso, iso.length);

        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.rejectionForContentLength(376_832).map(Reason::code)).contains(FORMAT_TRUNCATED);
        assertThat(inspection.rejectionForContentLength(2000L * SECTOR)).isEmpty();
    }

    /**
     * Returns a 63 KiB disk with a protective MBR and a GPT. The GPT header is at LBA 1, its 4 entries of 128 bytes
     * are at LBA 2, the usable LBAs are 3 to 120, and one partition covers LBAs 10 to 49.
     */
    private static ByteBuffer gptDisk() {
        ByteBuffer disk = disk();
        int lastLba = disk.capacity() / SECTOR - 1;
        putMbrEntry(disk, 0, 0x00, 0xEE, 1, lastLba);
        int header = 512;
        disk.put(header, "EFI PART".getBytes(StandardCharsets.US_ASCII));
        disk.putInt(header + 8, 0x00010000);
        disk.putInt(header + 12, 92);
        disk.putLong(header + 24, 1);
        disk.putLong(header + 32, lastLba);
        disk.putLong(header + 40, 3);
        disk.putLong(header + 48, 120);
        disk.putLong(header + 72, 2);
        disk.putInt(header + 80, 4);
        disk.putInt(header + 84, 128);
        putGptEntry(disk, 0, 10, 49);
        sealGptEntries(disk);
        return disk;
    }

    private static void putGptEntry(ByteBuffer disk, int index, long firstLba, long lastLba) {
        int entry = 1024 + index * 128;
        // Any non-zero type GUID marks the entry as used.
        disk.putLong(entry, 0x11AA_D2F8_C12A_7328L);
        disk.putLong(entry + 8, 0x3BC9_3EC9_A000_4BBAL);
        disk.putLong(entry + 32, firstLba);
        disk.putLong(entry + 40, lastLba);
    }

    /** Writes the CRC32 of the entry array into the header, then seals the header. */
    private static void sealGptEntries(ByteBuffer disk) {
        disk.putInt(512 + 88, (int) crc32(disk, 1024, 4 * 128));
        sealGptHeader(disk);
    }

    /** Writes the CRC32 of the header, computed with the CRC field set to 0. */
    private static void sealGptHeader(ByteBuffer disk) {
        disk.putInt(512 + 16, 0);
        int headerSize = Math.max(92, Math.min(512, disk.getInt(512 + 12)));
        disk.putInt(512 + 16, (int) crc32(disk, 512, headerSize));
    }

    private static long crc32(ByteBuffer disk, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(disk.array(), offset, length);
        return crc.getValue();
    }
}
