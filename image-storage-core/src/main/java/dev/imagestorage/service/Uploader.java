package dev.imagestorage.service;

import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.format.CompressedContent;
import dev.imagestorage.format.CompressedContent.Compression;
import dev.imagestorage.format.DetectedFormat;
import dev.imagestorage.format.FormatInspector;
import dev.imagestorage.format.Inspection;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.repository.ImageRepository;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import com.google.common.io.CountingInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the bytes of one upload through decompression, format inspection, the size limit and SHA-256 into a blob
 * store, and moves the image from {@code SAVING} to {@code ACTIVE}, or to {@code KILLED} with its partial data removed.
 *
 * <p>Content that starts with a gzip, xz, bzip2 or zstd magic number is decompressed while it streams. The stored
 * image, the inspection, the declared format, the expected SHA-256 and the size limit all refer to the decompressed
 * bytes. The compressed bytes are held to the same size limit, so that neither side can grow without bound.
 */
final class Uploader {
    private static final Logger log = LoggerFactory.getLogger(Uploader.class);

    private final ImageRepository repository;
    private final Clock clock;

    Uploader(ImageRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * Stores {@code content} as the data of {@code image}, which the caller has already moved to {@code SAVING}.
     *
     * @throws UploadRejectedException when the content is not acceptable or could not be read; the image is then
     *     {@code KILLED}
     */
    Image store(Image image, BlobStore blobs, InputStream content, UploadOptions options, SizeLimit limit) {
        BlobKey key = BlobKey.of(image.id());
        try {
            CountingInputStream received = new CountingInputStream(content);
            Stored stored = inspectAndPut(image, blobs, key, received, options.expectedSha256(), limit.maxBytes());
            BlobInfo info = stored.blob();
            if (options.declaredSizeBytes().isPresent()
                    && received.getCount() != options.declaredSizeBytes().getAsLong()) {
                throw new UploadRejectedException(image.id(), Reason.deny(ReasonCode.UPLOAD_SIZE_MISMATCH,
                        "the upload was declared as " + options.declaredSizeBytes().getAsLong() + " bytes but "
                                + received.getCount() + " bytes arrived"));
            }
            Optional<Reason> truncated = stored.inspection().rejectionForContentLength(info.sizeBytes());
            if (truncated.isPresent()) {
                throw new UploadRejectedException(image.id(), truncated.get());
            }
            OptionalLong virtualSize = virtualSize(stored.inspection(), info);
            Image active = repository.updateImage(image.id(), current -> activate(current, info, virtualSize));
            log.info("Image {} of tenant {} is ACTIVE: {} bytes, SHA-256 {}", image.id(), image.owner(),
                    info.sizeBytes(), info.sha256());
            return active;
        } catch (UploadRejectedException e) {
            kill(image, blobs, key, e);
            throw e;
        } catch (SizeLimitedInputStream.SizeLimitExceededException e) {
            UploadRejectedException rejected = new UploadRejectedException(image.id(), Reason.deny(
                    ReasonCode.UPLOAD_SIZE_LIMIT,
                    e.subject + " is larger than the " + limit.name() + " of " + Limits.describeSize(e.maxBytes)
                            + limit.advice()));
            kill(image, blobs, key, rejected);
            throw rejected;
        } catch (DecompressingInputStream.DecompressionFailedException e) {
            String tool = e.compression.label();
            UploadRejectedException rejected = new UploadRejectedException(image.id(), Reason.deny(
                    ReasonCode.UPLOAD_DECOMPRESSION_FAILED,
                    "the content starts like " + e.compression.detectedFormat().description() + ", but " + tool
                            + " decompression failed: " + describe(e.getCause()) + ". Check the file with '"
                            + e.compression.testCommand() + "', or upload it uncompressed"), e.getCause());
            kill(image, blobs, key, rejected);
            throw rejected;
        } catch (ChecksumMismatchException e) {
            UploadRejectedException rejected = new UploadRejectedException(image.id(), Reason.deny(
                    ReasonCode.UPLOAD_CHECKSUM_MISMATCH,
                    "the expected SHA-256 is " + e.expectedSha256() + " but the content received has "
                            + e.actualSha256()), e);
            kill(image, blobs, key, rejected);
            throw rejected;
        } catch (SizeLimitedInputStream.SourceReadException e) {
            UploadRejectedException rejected = new UploadRejectedException(image.id(), Reason.deny(
                    ReasonCode.UPLOAD_READ_FAILED,
                    "reading the content failed: " + e.getCause().getMessage()), e.getCause());
            kill(image, blobs, key, rejected);
            throw rejected;
        } catch (RuntimeException e) {
            kill(image, blobs, key, e);
            throw e;
        }
    }

    /** Returns the message of a decompression failure without a trailing period, or its type without a message. */
    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return "the stream ended early or is corrupt (" + failure.getClass().getSimpleName() + ")";
        }
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    /**
     * The maximum number of bytes an upload may store, and how messages name the limit.
     *
     * @param name such as "image size limit" or "portal upload limit"
     * @param advice text appended to the message, starting with a separator, or empty
     */
    record SizeLimit(long maxBytes, String name, String advice) {}

    private Stored inspectAndPut(
            Image image, BlobStore blobs, BlobKey key, InputStream content, Optional<String> expectedSha256,
            long maxBytes) {
        SizeLimitedInputStream limited = new SizeLimitedInputStream(content, maxBytes);
        byte[] prefix = new byte[FormatInspector.PREFIX_LENGTH];
        int prefixLength = readPrefix(limited, prefix);

        Optional<Compression> compression = CompressedContent.detect(prefix, prefixLength);
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(prefix, 0, prefixLength), limited);
        if (compression.isEmpty()) {
            return inspectAndPut(image, blobs, key, whole, expectedSha256, maxBytes, Optional.empty());
        }
        log.info("Upload of image {} is {}-compressed; decompressing it while it streams", image.id(),
                compression.get().label());
        try (DecompressingInputStream decompressing = new DecompressingInputStream(compression.get(), whole)) {
            InputStream decompressed = new SizeLimitedInputStream(decompressing, maxBytes, "decompressed content");
            return inspectAndPut(image, blobs, key, decompressed, expectedSha256, maxBytes, compression);
        }
    }

    private Stored inspectAndPut(
            Image image, BlobStore blobs, BlobKey key, InputStream content, Optional<String> expectedSha256,
            long maxBytes, Optional<Compression> compression) {
        byte[] prefix = new byte[FormatInspector.PREFIX_LENGTH];
        int prefixLength = readPrefix(content, prefix);
        Inspection inspection = FormatInspector.inspect(prefix, prefixLength, maxBytes);
        Optional<Reason> rejection = inspection.rejectionFor(image.format());
        if (rejection.isPresent()) {
            Reason reason = rejection.get();
            if (compression.isPresent()) {
                reason = new Reason(reason.code(), reason.severity(),
                        "after " + compression.get().label() + " decompression, " + reason.message());
            }
            throw new UploadRejectedException(image.id(), reason);
        }

        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(prefix, 0, prefixLength), content);
        return new Stored(blobs.put(key, whole, expectedSha256), inspection);
    }

    /**
     * Returns the virtual disk size to record: the stored size for raw content, and the size the header declares
     * for qcow2 and ISO 9660 content.
     */
    private static OptionalLong virtualSize(Inspection inspection, BlobInfo info) {
        if (inspection.format() == DetectedFormat.RAW) {
            return OptionalLong.of(info.sizeBytes());
        }
        return inspection.virtualSizeBytes();
    }

    /** Reads until {@code prefix} is full or the content ends; the content stream throws only unchecked exceptions. */
    private static int readPrefix(InputStream in, byte[] prefix) {
        int total = 0;
        while (total < prefix.length) {
            int n = readUnchecked(in, prefix, total, prefix.length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static int readUnchecked(InputStream in, byte[] buffer, int offset, int length) {
        try {
            return in.read(buffer, offset, length);
        } catch (IOException e) {
            // SizeLimitedInputStream wraps the caller's failures, so only a bug reaches this line.
            throw new UncheckedIOException(e);
        }
    }

    private Image activate(Image current, BlobInfo info, OptionalLong virtualSize) {
        if (current.status() != ImageStatus.SAVING) {
            throw new IllegalStateException("image " + current.id() + " changed to " + current.status()
                    + " while its data was being uploaded");
        }
        Image active = current.withData(info.sizeBytes(), info.sha256(), clock.instant());
        return virtualSize.isPresent() ? active.withVirtualSize(virtualSize.getAsLong(), active.updatedAt()) : active;
    }

    /** The stored blob and the inspection of its first bytes. */
    private record Stored(BlobInfo blob, Inspection inspection) {}

    private void kill(Image image, BlobStore blobs, BlobKey key, RuntimeException cause) {
        try {
            blobs.delete(key);
        } catch (RuntimeException e) {
            log.warn("Could not delete the partial data of image {}", image.id(), e);
            cause.addSuppressed(e);
        }
        try {
            repository.updateImage(image.id(), current -> current.status() == ImageStatus.DELETED
                    ? current
                    : current.withStatus(ImageStatus.KILLED, clock.instant()));
        } catch (RuntimeException e) {
            log.warn("Could not mark image {} as KILLED", image.id(), e);
            cause.addSuppressed(e);
        }
        log.info("Upload of image {} of tenant {} failed, image is KILLED: {}", image.id(), image.owner(),
                cause.getMessage());
    }
}
