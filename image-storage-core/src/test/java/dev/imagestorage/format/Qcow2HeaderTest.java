package dev.imagestorage.format;

import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_BACKING_FILE;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_DATA_FILE;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_ENCRYPTED;
import static dev.imagestorage.policy.ReasonCode.FORMAT_QCOW2_INVALID_HEADER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inspects qcow2 headers built byte by byte, to reach each check with one field changed. */
class Qcow2HeaderTest {
    /** A full prefix, so that the inspector takes the content to go on and leaves the table offsets unchecked. */
    private static final int CONTENT_LENGTH = FormatInspector.PREFIX_LENGTH;
    private static final int V3_HEADER_LENGTH = 112;
    private static final long ONE_MIB = 1L << 20;
    /** 32 L1 entries cover 1 MiB even with the smallest clusters, where one entry maps 32 KiB. */
    private static final int L1_ENTRIES = 32;
    /** Both tables start on a 2 MiB boundary, which is a cluster boundary for every valid cluster size. */
    private static final long L1_TABLE_OFFSET = 4 * ONE_MIB;
    private static final long REFCOUNT_TABLE_OFFSET = 6 * ONE_MIB;

    /**
     * Returns the first 64 KiB of a qcow2 version 3 image with 64 KiB clusters, 1 MiB virtual size, an L1 table and
     * a refcount table, and no extension.
     */
    private static ByteBuffer validV3() {
        ByteBuffer header = ByteBuffer.allocate(CONTENT_LENGTH);
        header.putInt(0, 0x514649FB);
        header.putInt(4, 3);
        header.putInt(20, 16);
        header.putLong(24, ONE_MIB);
        header.putInt(36, L1_ENTRIES);
        header.putLong(40, L1_TABLE_OFFSET);
        header.putLong(48, REFCOUNT_TABLE_OFFSET);
        header.putInt(56, 1);
        header.putInt(96, 4);
        header.putInt(100, V3_HEADER_LENGTH);
        return header;
    }

    /** Returns the first 64 KiB of the same image as {@link #validV3()} in qcow2 version 2. */
    private static ByteBuffer validV2() {
        ByteBuffer header = validV3();
        header.putInt(4, 2);
        header.putInt(96, 0);
        header.putInt(100, 0);
        return header;
    }

    private static Inspection inspect(ByteBuffer header) {
        return FormatInspector.inspect(header.array(), header.capacity());
    }

    private static List<ReasonCode> codes(ByteBuffer header) {
        return inspect(header).problems().stream().map(Reason::code).toList();
    }

    @Test
    void validV3Accepted() {
        Inspection inspection = inspect(validV3());

        assertThat(inspection.format()).isEqualTo(DetectedFormat.QCOW2);
        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.virtualSizeBytes()).hasValue(ONE_MIB);
    }

    @Test
    void validV2Accepted() {
        Inspection inspection = inspect(validV2());

        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.virtualSizeBytes()).hasValue(ONE_MIB);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {4, 7, 8, 40, 71})
    void truncatedV2HeaderInvalid(int length) {
        Inspection inspection = FormatInspector.inspect(validV2().array(), length);

        assertThat(inspection.format()).isEqualTo(DetectedFormat.QCOW2);
        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
        assertThat(inspection.virtualSizeBytes()).isEmpty();
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {72, 100, 103})
    void truncatedV3HeaderInvalid(int length) {
        Inspection inspection = FormatInspector.inspect(validV3().array(), length);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void v3HeaderWithoutExtensionAreaInvalid() {
        // The 104-byte fixed header fits, but the declared 112-byte header and the end marker after it do not.
        // The 104 bytes are the whole content, so the tables the header places at 4 MiB and 6 MiB are missing too.
        Inspection inspection = FormatInspector.inspect(validV3().array(), 104);

        assertThat(inspection.problems()).map(Reason::code)
                .containsExactly(FORMAT_QCOW2_INVALID_HEADER, ReasonCode.FORMAT_TRUNCATED);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {0, 1, 4, -1})
    void unsupportedVersionInvalid(int version) {
        ByteBuffer header = validV3();
        header.putInt(4, version);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
        assertThat(inspection.problems().get(0).message()).contains("version " + Integer.toUnsignedString(version));
        assertThat(inspection.virtualSizeBytes()).isEmpty();
    }

    @ParameterizedTest(name = "cluster bits {0}")
    @ValueSource(ints = {0, 8, 22, 64})
    void clusterBitsOutOfRangeInvalid(int clusterBits) {
        ByteBuffer header = validV3();
        header.putInt(20, clusterBits);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @ParameterizedTest(name = "cluster bits {0}")
    @ValueSource(ints = {9, 21})
    void clusterBitsAtLimitsAccepted(int clusterBits) {
        ByteBuffer header = validV3();
        header.putInt(20, clusterBits);

        assertThat(codes(header)).isEmpty();
    }

    @Test
    void negativeVirtualSizeInvalid() {
        ByteBuffer header = validV3();
        header.putLong(24, -1L);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
        assertThat(inspection.virtualSizeBytes()).isEmpty();
    }

    @Test
    void backingFileOffsetRejected() {
        ByteBuffer header = validV3();
        header.putLong(8, 512);
        header.putInt(16, 10);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_BACKING_FILE);
    }

    @ParameterizedTest(name = "crypt method {0}")
    @ValueSource(ints = {1, 2, 3})
    void encryptionRejected(int cryptMethod) {
        ByteBuffer header = validV3();
        header.putInt(32, cryptMethod);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_ENCRYPTED);
    }

    @Test
    void problemsKeepHeaderFieldOrder() {
        ByteBuffer header = validV3();
        header.putLong(8, 512);
        header.putInt(20, 8);
        header.putInt(32, 1);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_BACKING_FILE, FORMAT_QCOW2_INVALID_HEADER,
                FORMAT_QCOW2_ENCRYPTED);
    }

    @Test
    void dirtyBitAccepted() {
        ByteBuffer header = validV3();
        header.putLong(72, 1L);

        assertThat(codes(header)).isEmpty();
    }

    @Test
    void corruptBitInvalid() {
        ByteBuffer header = validV3();
        header.putLong(72, 1L << 1);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void externalDataFileBitRejected() {
        ByteBuffer header = validV3();
        header.putLong(72, 1L << 2);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_DATA_FILE);
    }

    @Test
    void compressionTypeAndExtendedL2BitsAccepted() {
        ByteBuffer header = validV3();
        header.putLong(72, (1L << 3) | (1L << 4));
        header.put(104, (byte) 1);

        assertThat(codes(header)).isEmpty();
    }

    @ParameterizedTest(name = "bit {0}")
    @ValueSource(ints = {5, 31, 63})
    void unknownIncompatibleBitInvalid(int bit) {
        ByteBuffer header = validV3();
        header.putLong(72, 1L << bit);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void unknownCompatibleAndAutoclearBitsAccepted() {
        ByteBuffer header = validV3();
        header.putLong(80, -1L);
        header.putLong(88, -1L);

        assertThat(codes(header)).isEmpty();
    }

    @ParameterizedTest(name = "header length {0}")
    @ValueSource(ints = {0, 72, 96, 100, 108, 113})
    void malformedHeaderLengthInvalid(int headerLength) {
        ByteBuffer header = validV3();
        header.putInt(100, headerLength);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @ParameterizedTest(name = "header length {0}")
    @ValueSource(ints = {CONTENT_LENGTH + 8, 0x7FFFFFF8, -8})
    void headerLengthPastContentInvalid(int headerLength) {
        ByteBuffer header = validV3();
        header.putInt(100, headerLength);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void headerLengthOf104Accepted() {
        ByteBuffer header = validV3();
        header.putInt(100, 104);

        assertThat(codes(header)).isEmpty();
    }

    @Test
    void dataFileExtensionRejected() {
        ByteBuffer header = validV3();
        putExtension(header, V3_HEADER_LENGTH, 0x44415441, "disk.data");

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_DATA_FILE);
    }

    @Test
    void backingFormatExtensionRejected() {
        ByteBuffer header = validV3();
        putExtension(header, V3_HEADER_LENGTH, 0xE2792ACA, "qcow2");

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_BACKING_FILE);
    }

    @Test
    void backingFormatExtensionInV2Rejected() {
        ByteBuffer header = validV2();
        putExtension(header, 72, 0xE2792ACA, "raw");

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_BACKING_FILE);
    }

    @Test
    void extensionAfterUnknownExtensionsRejected() {
        ByteBuffer header = validV3();
        int next = putExtension(header, V3_HEADER_LENGTH, 0x6803F857, "feature name table");
        next = putExtension(header, next, 0x12345678, "x");
        putExtension(header, next, 0x44415441, "disk.data");

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_DATA_FILE);
    }

    @Test
    void unknownExtensionsSkipped() {
        ByteBuffer header = validV3();
        int next = putExtension(header, V3_HEADER_LENGTH, 0x6803F857, "feature name table");
        putExtension(header, next, 0x12345678, "");

        assertThat(codes(header)).isEmpty();
    }

    @ParameterizedTest(name = "data length {0}")
    @ValueSource(ints = {CONTENT_LENGTH, CONTENT_LENGTH - V3_HEADER_LENGTH - 7, 0x7FFFFFFF, -1})
    void extensionLengthPastContentInvalid(int dataLength) {
        ByteBuffer header = validV3();
        header.putInt(V3_HEADER_LENGTH, 0x12345678);
        header.putInt(V3_HEADER_LENGTH + 4, dataLength);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
        assertThat(inspection.problems().get(0).message())
                .contains("declares " + Integer.toUnsignedString(dataLength) + " bytes of data");
    }

    @Test
    void extensionsWithoutEndMarkerInvalid() {
        ByteBuffer header = validV3();
        // One unknown extension whose data ends exactly at the end of the content, so no end marker follows.
        header.putInt(V3_HEADER_LENGTH, 0x12345678);
        header.putInt(V3_HEADER_LENGTH + 4, CONTENT_LENGTH - V3_HEADER_LENGTH - 8);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void extensionAreaPastFullPrefixInvalid() {
        // The content is longer than the prefix, and the extension data runs past the prefix.
        ByteBuffer header = ByteBuffer.allocate(FormatInspector.PREFIX_LENGTH);
        header.put(validV3().array(), 0, V3_HEADER_LENGTH);
        header.putInt(V3_HEADER_LENGTH, 0x12345678);
        header.putInt(V3_HEADER_LENGTH + 4, FormatInspector.PREFIX_LENGTH);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void virtualSizeAtLimitAccepted() {
        ByteBuffer header = validV3();
        header.putLong(24, 4096L << 30);
        header.putInt(36, 8192);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.virtualSizeBytes()).hasValue(4096L << 30);
    }

    @Test
    void virtualSizeAboveLimitRejected() {
        ByteBuffer header = validV3();
        header.putLong(24, (4096L << 30) + 1);
        header.putInt(36, 8193);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_VIRTUAL_SIZE_LIMIT);
        assertThat(inspection.problems().get(0).message()).contains("4,096 GB");
    }

    @Test
    void virtualSizeAboveGivenLimitRejected() {
        ByteBuffer header = validV3();

        Inspection inspection = FormatInspector.inspect(header.array(), header.capacity(), ONE_MIB - 1);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_VIRTUAL_SIZE_LIMIT);
    }

    @Test
    void l1TableTooSmallInvalid() {
        ByteBuffer header = validV3();
        header.putLong(24, 1L << 40);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
        assertThat(inspection.problems().get(0).message()).contains("L1 table of 32 entries is too small");
    }

    @Test
    void l1TableAboveQemuLimitInvalid() {
        ByteBuffer header = validV3();
        header.putInt(36, (32 << 20) / 8 + 1);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @ParameterizedTest(name = "offset {0}")
    @ValueSource(longs = {0, 512, 0x10001, -65536})
    void l1TableOffsetInvalid(long offset) {
        ByteBuffer header = validV3();
        header.putLong(40, offset);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void refcountTableWithoutClustersInvalid() {
        ByteBuffer header = validV3();
        header.putInt(56, 0);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void tablesPastWholeContentTruncated() {
        ByteBuffer header = validV3();

        // 4 KiB are the whole content, but the header places the L1 table at 4 MiB.
        Inspection inspection = FormatInspector.inspect(header.array(), 4096);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(ReasonCode.FORMAT_TRUNCATED);
        assertThat(inspection.problems().get(0).message()).contains("L1 table");
    }

    @Test
    void tablesCheckedAgainstContentLength() {
        Inspection inspection = inspect(validV3());

        // The refcount table of one 64 KiB cluster at 6 MiB ends last.
        assertThat(inspection.rejectionForContentLength(6 * ONE_MIB + 65_536)).isEmpty();
        assertThat(inspection.rejectionForContentLength(6 * ONE_MIB).map(Reason::code))
                .contains(ReasonCode.FORMAT_TRUNCATED);
    }

    @ParameterizedTest(name = "refcount order {0}")
    @ValueSource(ints = {7, 64, -1})
    void refcountOrderInvalid(int refcountOrder) {
        ByteBuffer header = validV3();
        header.putInt(96, refcountOrder);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void headerLongerThanClusterInvalid() {
        ByteBuffer header = validV3();
        header.putInt(20, 9);
        header.putInt(100, 520);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
        assertThat(inspection.problems().get(0).message()).contains("first cluster of 512 bytes");
    }

    @Test
    void unknownCompressionTypeInvalid() {
        ByteBuffer header = validV3();
        header.putLong(72, 1L << 3);
        header.put(104, (byte) 2);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void compressionTypeBitWithoutTypeInvalid() {
        ByteBuffer header = validV3();
        header.putLong(72, 1L << 3);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void compressionTypeWithoutBitInvalid() {
        ByteBuffer header = validV3();
        header.put(104, (byte) 1);

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
    }

    @Test
    void extendedL2WithSmallClustersInvalid() {
        ByteBuffer header = validV3();
        header.putLong(72, 1L << 4);
        header.putInt(20, 12);

        Inspection inspection = inspect(header);

        assertThat(inspection.problems()).map(Reason::code).containsExactly(FORMAT_QCOW2_INVALID_HEADER);
        assertThat(inspection.problems().get(0).message()).contains("extended L2 entries");
    }

    @Test
    void fullDiskEncryptionExtensionRejected() {
        ByteBuffer header = validV3();
        putExtension(header, V3_HEADER_LENGTH, 0x0537BE77, "0123456789abcdef");

        assertThat(codes(header)).containsExactly(FORMAT_QCOW2_ENCRYPTED);
    }

    /** Writes one header extension with an ASCII string as its data, and returns the offset after its padding. */
    private static int putExtension(ByteBuffer header, int offset, int type, String data) {
        byte[] bytes = data.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        header.putInt(offset, type);
        header.putInt(offset + 4, bytes.length);
        header.put(offset + 8, bytes);
        return offset + 8 + ((bytes.length + 7) & ~7);
    }
}
