package dev.imagestorage.service;

import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Limits;
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
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the bytes of one upload through format inspection, the size limit and SHA-256 into a blob store, and
 * moves the image from {@code SAVING} to {@code ACTIVE}, or to {@code KILLED} with its partial data removed.
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
    Image store(Image image, BlobStore blobs, InputStream content, Optional<String> expectedSha256, Limits limits) {
        BlobKey key = BlobKey.of(image.id());
        try {
            BlobInfo info = inspectAndPut(image, blobs, key, content, expectedSha256, limits.maxImageSizeBytes());
            Image active = repository.updateImage(image.id(), current -> activate(current, info));
            log.info("Image {} of tenant {} is ACTIVE: {} bytes, SHA-256 {}", image.id(), image.owner(),
                    info.sizeBytes(), info.sha256());
            return active;
        } catch (UploadRejectedException e) {
            kill(image, blobs, key, e);
            throw e;
        } catch (SizeLimitedInputStream.SizeLimitExceededException e) {
            UploadRejectedException rejected = new UploadRejectedException(image.id(), Reason.deny(
                    ReasonCode.UPLOAD_SIZE_LIMIT,
                    "content is larger than the image size limit of " + Limits.describeSize(e.maxBytes)));
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

    private BlobInfo inspectAndPut(
            Image image, BlobStore blobs, BlobKey key, InputStream content, Optional<String> expectedSha256,
            long maxBytes) {
        SizeLimitedInputStream limited = new SizeLimitedInputStream(content, maxBytes);

        byte[] prefix = new byte[FormatInspector.PREFIX_LENGTH];
        int prefixLength = readPrefix(limited, prefix);
        Inspection inspection = FormatInspector.inspect(prefix, prefixLength);
        Optional<Reason> rejection = inspection.rejectionFor(image.format());
        if (rejection.isPresent()) {
            throw new UploadRejectedException(image.id(), rejection.get());
        }

        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(prefix, 0, prefixLength), limited);
        return blobs.put(key, whole, expectedSha256);
    }

    private static int readPrefix(SizeLimitedInputStream in, byte[] prefix) {
        int total = 0;
        while (total < prefix.length) {
            int n = in.read(prefix, total, prefix.length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private Image activate(Image current, BlobInfo info) {
        if (current.status() != ImageStatus.SAVING) {
            throw new IllegalStateException("image " + current.id() + " changed to " + current.status()
                    + " while its data was being uploaded");
        }
        return current.withData(info.sizeBytes(), info.sha256(), clock.instant());
    }

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
