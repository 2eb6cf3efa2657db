package dev.imagestorage.format;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The result of {@link FormatInspector#inspect}: the detected format, the virtual disk size and every unsafe feature
 * or defect found in the inspected bytes.
 *
 * @param virtualSizeBytes size of the virtual disk in bytes, read from the qcow2 header or the ISO 9660 primary volume
 *     descriptor, or the content length of raw content that fits within {@link FormatInspector#PREFIX_LENGTH}. Empty
 *     when the inspected bytes do not state it.
 * @param problems reasons that deny the content whatever format is declared, in the order they were found
 */
public record Inspection(DetectedFormat format, OptionalLong virtualSizeBytes, List<Reason> problems) {
    public Inspection {
        requireNonNull(format, "format");
        requireNonNull(virtualSizeBytes, "virtualSizeBytes");
        problems = List.copyOf(problems);
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
}
