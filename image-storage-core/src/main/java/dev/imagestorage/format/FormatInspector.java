package dev.imagestorage.format;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Detects the format of an uploaded image from its first bytes and finds qcow2 features that make an image unsafe to
 * store: backing files, external data files, encryption and invalid headers.
 *
 * <p>Only qcow2 and ISO 9660 headers are parsed. Other formats are recognised by their magic number alone, and
 * content with no known signature is taken as raw. A qcow2 magic wins over every other signature, and a signature at
 * byte 0 wins over an ISO 9660 descriptor, so content that looks like two formats is never accepted as an ISO.
 */
public final class FormatInspector {
    /** Number of leading bytes that {@link #inspect} needs to see. */
    public static final int PREFIX_LENGTH = 64 * 1024;

    private static final List<Signature> SIGNATURES = List.of(
            new Signature(DetectedFormat.VMDK, 0, ascii("KDMV")),
            new Signature(DetectedFormat.VMDK, 0, ascii("# Disk DescriptorFile")),
            new Signature(DetectedFormat.VHD, 0, ascii("conectix")),
            new Signature(DetectedFormat.VHDX, 0, ascii("vhdxfile")),
            // The VDI signature 0xBEDA107F is stored little-endian at byte 0x40.
            new Signature(DetectedFormat.VDI, 0x40, bytes(0x7F, 0x10, 0xDA, 0xBE)),
            new Signature(DetectedFormat.QED, 0, bytes('Q', 'E', 'D', 0)),
            new Signature(DetectedFormat.LUKS, 0, bytes('L', 'U', 'K', 'S', 0xBA, 0xBE)),
            new Signature(DetectedFormat.GZIP, 0, bytes(0x1F, 0x8B)),
            new Signature(DetectedFormat.XZ, 0, bytes(0xFD, '7', 'z', 'X', 'Z', 0)),
            new Signature(DetectedFormat.BZIP2, 0, ascii("BZh")),
            new Signature(DetectedFormat.ZSTD, 0, bytes(0x28, 0xB5, 0x2F, 0xFD)),
            new Signature(DetectedFormat.ZIP, 0, bytes('P', 'K', 3, 4)),
            new Signature(DetectedFormat.TAR, 257, ascii("ustar")));

    private static final int ISO_DESCRIPTOR_OFFSET = 0x8000;
    private static final byte[] ISO_PRIMARY_DESCRIPTOR_START = bytes(1, 'C', 'D', '0', '0', '1', 1);
    private static final int ISO_VOLUME_SPACE_SIZE = ISO_DESCRIPTOR_OFFSET + 80;
    private static final int ISO_LOGICAL_BLOCK_SIZE = ISO_DESCRIPTOR_OFFSET + 128;

    private static final int VHD_FOOTER_LENGTH = 512;
    private static final byte[] VHD_COOKIE = ascii("conectix");

    private FormatInspector() {}

    /**
     * Inspects the first {@code length} bytes of {@code buffer}, which are the start of an uploaded image. A
     * {@code length} below {@link #PREFIX_LENGTH} means that these bytes are the whole content. Bytes at and after
     * {@code length} are never read. Empty content yields the problem {@code UPLOAD_EMPTY}.
     *
     * @throws IllegalArgumentException if {@code length} is negative, above {@link #PREFIX_LENGTH} or above
     *     {@code buffer.length}
     * @throws NullPointerException if {@code buffer} is null. No other exception is thrown, whatever the bytes are.
     */
    public static Inspection inspect(byte[] buffer, int length) {
        requireNonNull(buffer, "buffer");
        if (length < 0 || length > PREFIX_LENGTH || length > buffer.length) {
            throw new IllegalArgumentException("invalid length " + length + ": expected 0 to "
                    + Math.min(PREFIX_LENGTH, buffer.length) + " for a buffer of " + buffer.length + " bytes");
        }
        if (length == 0) {
            Reason empty = Reason.deny(ReasonCode.UPLOAD_EMPTY, "the upload contains no bytes");
            return new Inspection(DetectedFormat.RAW, OptionalLong.of(0), List.of(empty));
        }

        // Absolute reads on this view cannot go past length, and the view is big-endian.
        ByteBuffer prefix = ByteBuffer.wrap(buffer, 0, length).slice().asReadOnlyBuffer();
        if (Qcow2Inspector.hasMagic(prefix)) {
            return Qcow2Inspector.inspect(prefix);
        }
        Optional<DetectedFormat> signed = findSignature(prefix);
        if (signed.isPresent()) {
            return new Inspection(signed.get(), OptionalLong.empty(), List.of());
        }
        if (hasIsoPrimaryDescriptor(prefix)) {
            return new Inspection(DetectedFormat.ISO, isoVolumeSize(prefix), List.of());
        }
        boolean wholeContent = length < PREFIX_LENGTH;
        if (wholeContent && hasVhdFooter(prefix)) {
            return new Inspection(DetectedFormat.VHD, OptionalLong.empty(), List.of());
        }
        OptionalLong rawSize = wholeContent ? OptionalLong.of(length) : OptionalLong.empty();
        return new Inspection(DetectedFormat.RAW, rawSize, List.of());
    }

    private static Optional<DetectedFormat> findSignature(ByteBuffer prefix) {
        for (Signature signature : SIGNATURES) {
            if (startsWithAt(prefix, signature.offset(), signature.magic())) {
                return Optional.of(signature.format());
            }
        }
        return Optional.empty();
    }

    /** Checks for a primary volume descriptor: type 1, the identifier "CD001" and version 1. */
    private static boolean hasIsoPrimaryDescriptor(ByteBuffer prefix) {
        return startsWithAt(prefix, ISO_DESCRIPTOR_OFFSET, ISO_PRIMARY_DESCRIPTOR_START);
    }

    /**
     * Returns the volume space size times the logical block size. Both fields are stored twice, little-endian and
     * then big-endian, and this reads the little-endian copy.
     */
    private static OptionalLong isoVolumeSize(ByteBuffer prefix) {
        if (prefix.limit() < ISO_LOGICAL_BLOCK_SIZE + Short.BYTES) {
            return OptionalLong.empty();
        }
        ByteBuffer littleEndian = prefix.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long blocks = Integer.toUnsignedLong(littleEndian.getInt(ISO_VOLUME_SPACE_SIZE));
        long blockSize = Short.toUnsignedInt(littleEndian.getShort(ISO_LOGICAL_BLOCK_SIZE));
        return OptionalLong.of(blocks * blockSize);
    }

    /**
     * Checks for a VHD footer in the last 512 bytes. A fixed VHD has its only signature there.
     *
     * <p>NOTE: a fixed VHD longer than {@link #PREFIX_LENGTH} keeps its footer out of the inspected bytes, so it is
     * detected as raw.
     */
    private static boolean hasVhdFooter(ByteBuffer prefix) {
        int footerOffset = prefix.limit() - VHD_FOOTER_LENGTH;
        return footerOffset >= 0 && startsWithAt(prefix, footerOffset, VHD_COOKIE);
    }

    static boolean startsWithAt(ByteBuffer prefix, int offset, byte[] expected) {
        if (offset + expected.length > prefix.limit()) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (prefix.get(offset + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    /** A magic number that identifies a format when it appears at a fixed byte offset. */
    private record Signature(DetectedFormat format, int offset, byte[] magic) {}
}
