package dev.imagestorage.format;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.catalog.Limits;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Detects the format of an uploaded image from its first bytes and finds what makes an image unsafe to store or
 * invalid: qcow2 backing files, external data files, encryption and invalid headers, a broken ISO 9660 descriptor
 * set, a broken MBR or GPT partition table, a virtual size above the limit, and content that matches two formats.
 *
 * <p>Only qcow2, ISO 9660 and partition table headers are parsed. Other formats are recognised by their magic number
 * alone, and content with no known signature is taken as raw. Content that matches two formats, such as a qcow2
 * magic together with an ISO 9660 descriptor, is rejected, because two programs could read it differently. An ISO
 * 9660 image with an MBR or GPT is a hybrid ISO and is accepted as ISO.
 *
 * <p>The inspector is bounded: it reads at most the first {@link #PREFIX_LENGTH} bytes, never reads past the
 * {@code length} it is given, allocates at most a few KiB, runs no external program and keeps no state.
 */
public final class FormatInspector {
    /** Number of leading bytes that {@link #inspect} needs to see, and the maximum it reads. */
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

    private static final int VHD_FOOTER_LENGTH = 512;
    private static final byte[] VHD_COOKIE = ascii("conectix");

    private FormatInspector() {}

    /**
     * Inspects the first {@code length} bytes of {@code buffer} with the virtual size limit of
     * {@link Limits#defaults()}. See {@link #inspect(byte[], int, long)}.
     */
    public static Inspection inspect(byte[] buffer, int length) {
        return inspect(buffer, length, Limits.defaults().maxImageSizeBytes());
    }

    /**
     * Inspects the first {@code length} bytes of {@code buffer}, which are the start of an uploaded image. A
     * {@code length} below {@link #PREFIX_LENGTH} means that these bytes are the whole content, so structures that
     * end past them are reported at once as {@code FORMAT_TRUNCATED}. Bytes at and after {@code length} are never
     * read. Empty content yields the problem {@code UPLOAD_EMPTY}.
     *
     * @param maxVirtualSizeBytes largest virtual disk size that a qcow2 header or an ISO 9660 volume may declare
     * @throws IllegalArgumentException if {@code length} is negative, above {@link #PREFIX_LENGTH} or above
     *     {@code buffer.length}, or {@code maxVirtualSizeBytes} is not positive
     * @throws NullPointerException if {@code buffer} is null. No other exception is thrown, whatever the bytes are.
     */
    public static Inspection inspect(byte[] buffer, int length, long maxVirtualSizeBytes) {
        requireNonNull(buffer, "buffer");
        if (length < 0 || length > PREFIX_LENGTH || length > buffer.length) {
            throw new IllegalArgumentException("invalid length " + length + ": expected 0 to "
                    + Math.min(PREFIX_LENGTH, buffer.length) + " for a buffer of " + buffer.length + " bytes");
        }
        if (maxVirtualSizeBytes <= 0) {
            throw new IllegalArgumentException("invalid maximum virtual size " + maxVirtualSizeBytes
                    + ": it must be greater than 0");
        }
        if (length == 0) {
            Reason empty = Reason.deny(ReasonCode.UPLOAD_EMPTY, "the upload contains no bytes");
            return new Inspection(DetectedFormat.RAW, OptionalLong.of(0), List.of(empty));
        }

        // Absolute reads on this view cannot go past length, and the view is big-endian.
        ByteBuffer prefix = ByteBuffer.wrap(buffer, 0, length).slice().asReadOnlyBuffer();
        boolean wholeContent = length < PREFIX_LENGTH;
        List<Match> matches = findMatches(prefix, wholeContent);
        Inspection inspection;
        if (matches.size() > 1) {
            inspection = ambiguous(matches);
        } else if (matches.isEmpty()) {
            inspection = raw(prefix, wholeContent);
        } else {
            inspection = switch (matches.get(0).format()) {
                case QCOW2 -> Qcow2Inspector.inspect(prefix, maxVirtualSizeBytes);
                case ISO -> iso(prefix, maxVirtualSizeBytes);
                default -> new Inspection(matches.get(0).format(), OptionalLong.empty(), List.of());
            };
        }
        return wholeContent ? withContentLengthChecked(inspection, length) : inspection;
    }

    /** Lists every format whose signature the prefix has, qcow2 first and ISO 9660 after the other signatures. */
    private static List<Match> findMatches(ByteBuffer prefix, boolean wholeContent) {
        List<Match> matches = new ArrayList<>();
        if (Qcow2Inspector.hasMagic(prefix)) {
            matches.add(new Match(DetectedFormat.QCOW2, "magic at byte 0"));
        }
        for (Signature signature : SIGNATURES) {
            if (startsWithAt(prefix, signature.offset(), signature.magic())) {
                matches.add(new Match(signature.format(), "signature at byte " + signature.offset()));
            }
        }
        if (IsoInspector.hasDescriptorIdentifier(prefix)) {
            matches.add(new Match(DetectedFormat.ISO, IsoInspector.DESCRIPTOR_AREA_DESCRIPTION));
        }
        boolean vhdMatched = matches.stream().anyMatch(match -> match.format() == DetectedFormat.VHD);
        if (wholeContent && !vhdMatched && hasVhdFooter(prefix)) {
            matches.add(new Match(DetectedFormat.VHD, "footer in the last 512 bytes"));
        }
        return matches;
    }

    private static Inspection ambiguous(List<Match> matches) {
        StringBuilder message = new StringBuilder("the content matches more than one format: ");
        for (int i = 0; i < matches.size(); i++) {
            Match match = matches.get(i);
            if (i > 0) {
                message.append(i == matches.size() - 1 ? " and " : ", ");
            }
            message.append(match.format().description()).append(" (").append(match.where()).append(')');
        }
        message.append(". Programs that read it as one or the other would see different disks, so it is rejected;"
                + " upload an image that is only one format");
        Reason reason = Reason.deny(ReasonCode.FORMAT_AMBIGUOUS, message.toString());
        return new Inspection(matches.get(0).format(), OptionalLong.empty(), List.of(reason));
    }

    private static Inspection raw(ByteBuffer prefix, boolean wholeContent) {
        PartitionTableInspector.Findings partitions =
                PartitionTableInspector.inspect(prefix, PartitionTableInspector.Layout.DISK);
        OptionalLong size = wholeContent ? OptionalLong.of(prefix.limit()) : OptionalLong.empty();
        return new Inspection(DetectedFormat.RAW, size, partitions.problems(), partitions.extents());
    }

    private static Inspection iso(ByteBuffer prefix, long maxVirtualSizeBytes) {
        Inspection volume = IsoInspector.inspect(prefix, maxVirtualSizeBytes);
        PartitionTableInspector.Findings partitions =
                PartitionTableInspector.inspect(prefix, PartitionTableInspector.Layout.HYBRID_ISO);
        List<Reason> problems = new ArrayList<>(volume.problems());
        problems.addAll(partitions.problems());
        List<Inspection.ContentExtent> extents = new ArrayList<>(volume.extents());
        extents.addAll(partitions.extents());
        return new Inspection(DetectedFormat.ISO, volume.virtualSizeBytes(), problems, extents);
    }

    /** Adds a {@code FORMAT_TRUNCATED} problem when the content, which is all inspected, ends before an extent. */
    private static Inspection withContentLengthChecked(Inspection inspection, int length) {
        Optional<Reason> truncated = inspection.rejectionForContentLength(length);
        if (truncated.isEmpty()) {
            return inspection;
        }
        List<Reason> problems = new ArrayList<>(inspection.problems());
        problems.add(truncated.get());
        return new Inspection(inspection.format(), inspection.virtualSizeBytes(), problems, inspection.extents());
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

    /** A format that the content matches, and where its signature was found. */
    private record Match(DetectedFormat format, String where) {}
}
