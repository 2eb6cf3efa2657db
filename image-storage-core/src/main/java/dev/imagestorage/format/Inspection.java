package dev.imagestorage.format;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The result of {@link FormatInspector#inspect}: the detected format, the virtual disk size, every unsafe feature or
 * defect found in the inspected bytes, and the structures whose end the content length must reach.
 *
 * @param virtualSizeBytes size of the virtual disk in bytes, read from the qcow2 header or the ISO 9660 primary volume
 *     descriptor, or the content length of raw content that fits within {@link FormatInspector#PREFIX_LENGTH}. Empty
 *     when the inspected bytes do not state it.
 * @param problems reasons that deny the content whatever format is declared, in the order they were found
 * @param extents structures that the headers place in the content, such as an ISO 9660 volume or a partition. The
 *     content must be at least as long as the end of each, which {@link #rejectionForContentLength} checks once the
 *     whole length is known.
 */
public record Inspection(
        DetectedFormat format, OptionalLong virtualSizeBytes, List<Reason> problems, List<ContentExtent> extents) {
    public Inspection {
        requireNonNull(format, "format");
        requireNonNull(virtualSizeBytes, "virtualSizeBytes");
        problems = List.copyOf(problems);
        extents = List.copyOf(extents);
    }

    /** Creates an inspection that places no structure past the inspected bytes. */
    public Inspection(DetectedFormat format, OptionalLong virtualSizeBytes, List<Reason> problems) {
        this(format, virtualSizeBytes, problems, List.of());
    }

    /**
     * Returns the reason to reject the content when it is uploaded with the declared format, or empty when it is
     * acceptable. The first of {@link #problems()} comes first. Otherwise a {@code FORMAT_MISMATCH} reason is returned
     * when the detected format is not the declared one, with a message that explains how to fix the upload.
     */
    public Optional<Reason> rejectionFor(DiskFormat declared) {
        requireNonNull(declared, "declared");
        if (!problems.isEmpty()) {
            return Optional.of(problems.get(0));
        }
        if (format.diskFormat().equals(Optional.of(declared))) {
            return Optional.empty();
        }
        return Optional.of(MismatchReasons.mismatch(declared, format));
    }

    /**
     * Returns a {@code FORMAT_TRUNCATED} reason when the content, {@code contentLength} bytes in all, ends before one
     * of the {@link #extents()}, or empty when it reaches all of them.
     */
    public Optional<Reason> rejectionForContentLength(long contentLength) {
        for (ContentExtent extent : extents) {
            if (extent.endBytes() > contentLength) {
                return Optional.of(Reason.deny(ReasonCode.FORMAT_TRUNCATED, "the content is " + contentLength
                        + " bytes long, but " + extent.description() + " ends at byte " + extent.endBytes()
                        + ". The file was cut short or its header is wrong: upload the complete image"));
            }
        }
        return Optional.empty();
    }

    /**
     * A structure that a header places in the content.
     *
     * @param description a noun phrase for messages, such as "the ISO 9660 volume of 184 blocks of 2048 bytes"
     * @param endBytes offset of the first byte after the structure
     */
    public record ContentExtent(String description, long endBytes) {
        public ContentExtent {
            requireNonNull(description, "description");
            if (endBytes < 0) {
                throw new IllegalArgumentException("invalid extent end " + endBytes + " for " + description);
            }
        }
    }
}
