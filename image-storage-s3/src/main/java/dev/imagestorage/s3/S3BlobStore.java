package dev.imagestorage.s3;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobArguments;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.SupportsServerSideCopy;
import dev.imagestorage.spi.SupportsUnfinishedUploadCleanup;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The {@link BlobStore} of one region of an {@link S3Storage}: one object per blob in the region's bucket, under the
 * key prefix followed by the blob key.
 *
 * <p>A blob smaller than one part is stored with a single PUT. A larger one is a multipart upload, whose parts go
 * up in parallel. Both finish with a conditional write, {@code If-None-Match: *} on the PUT or on
 * CompleteMultipartUpload. S3 applies either atomically, so a blob is visible only when complete and an existing
 * blob is never overwritten: the loser of two racing puts gets {@link ConflictException}. A put also checks for an
 * existing blob before it reads the content, to fail fast. Any failure aborts the multipart upload.
 * {@link BlobUpload} describes the memory bound and the checksums.
 *
 * <p>The SHA-256 of a blob is in its object's user metadata {@code sha256} when it is known before the upload
 * starts: always for a single PUT, and for a multipart upload given an expected SHA-256. S3 fixes the metadata of a
 * multipart upload when the upload starts, so a multipart upload without an expected SHA-256 stores the SHA-256 in
 * a small checksum object {@code .sha256/<blob key>/<token>} instead, written before the upload completes. The
 * token is a random UUID in the blob's metadata {@code upload-token}, so each put has its own checksum object and
 * racing puts do not overwrite each other's. No blob key starts with '.' or contains '/', so checksum objects never
 * collide with blobs.
 *
 * <p>A download reads the object through ranged GETs, several in flight ahead of the reader, as
 * {@link RangedBlobInputStream} describes. The store is safe for use by many threads.
 */
public final class S3BlobStore implements BlobStore, SupportsUnfinishedUploadCleanup, SupportsServerSideCopy {
    static final String SHA256_METADATA = "sha256";
    static final String TOKEN_METADATA = "upload-token";

    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    private static final String CHECKSUM_FOLDER = ".sha256/";

    private final S3Client client;
    private final String bucket;
    private final RegionId region;
    private final TransferSettings settings;
    private final Executor transfers;

    S3BlobStore(S3Client client, String bucket, RegionId region, TransferSettings settings, Executor transfers) {
        this.client = requireNonNull(client, "client");
        this.bucket = requireNonNull(bucket, "bucket");
        this.region = requireNonNull(region, "region");
        this.settings = requireNonNull(settings, "settings");
        this.transfers = requireNonNull(transfers, "transfers");
    }

    /** The bucket of this region's blobs. */
    public String bucket() {
        return bucket;
    }

    /** Returns the object key of the blob under {@code key}. */
    public String objectKey(BlobKey key) {
        return settings.keyPrefix() + key.value();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code expectedSha256} is present but not 64 lower-case hex digits
     */
    @Override
    public BlobInfo put(BlobKey key, InputStream content, Optional<String> expectedSha256) {
        requireNonNull(key, "key");
        requireNonNull(content, "content");
        requireNonNull(expectedSha256, "expectedSha256");
        BlobArguments.checkExpectedSha256(expectedSha256);
        if (head(key).isPresent()) {
            throw alreadyExists(key);
        }
        return new BlobUpload(this, client, settings, transfers, key, content, expectedSha256).run();
    }

    @Override
    public InputStream open(BlobKey key) {
        return open(key, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream open(BlobKey key, long offset, long length) {
        requireNonNull(key, "key");
        BlobArguments.checkRange(offset, length);
        Head head = head(key).orElseThrow(() -> new NotFoundException("blob", key.value()));
        long start = Math.min(offset, head.size());
        long end = start + Math.min(length, head.size() - start);
        if (start == end) {
            return InputStream.nullInputStream();
        }
        return new RangedBlobInputStream(client, bucket, objectKey(key), head.etag(), start, end,
                settings.downloadChunkSize(), settings.downloadConcurrency(), transfers);
    }

    @Override
    public Optional<BlobInfo> stat(BlobKey key) {
        requireNonNull(key, "key");
        Optional<Head> head = head(key);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> sha256 = sha256Of(key, head.get());
        return sha256.map(value -> new BlobInfo(key, head.get().size(), value));
    }

    /**
     * {@inheritDoc} The DELETE sends {@code If-Match} with the ETag read just before, so a blob that was deleted and
     * put again meanwhile stays; then the call reads again and deletes the new blob.
     */
    @Override
    public boolean delete(BlobKey key) {
        requireNonNull(key, "key");
        for (int attempt = 1; attempt <= 3; attempt++) {
            Optional<Head> head = head(key);
            if (head.isEmpty()) {
                return false;
            }
            try {
                client.deleteObject(request -> request.bucket(bucket).key(objectKey(key)).ifMatch(head.get().etag()));
            } catch (S3Exception e) {
                if (S3Errors.isConditionFailed(e) || S3Errors.isNotFound(e)) {
                    continue;
                }
                throw ioFailure(key, "delete", e);
            } catch (SdkException e) {
                throw ioFailure(key, "delete", e);
            }
            head.get().token().ifPresent(token -> {
                StorageIoException failure = new StorageIoException(key.value(), "deleted blob '" + key + "'", null);
                deleteChecksumObject(checksumObjectKey(key, token), failure);
                for (Throwable suppressed : failure.getSuppressed()) {
                    LOG.warn("Failed to delete the checksum object of deleted blob {} in {}; deleteUnfinishedUploads"
                            + " removes it later", key, bucket, suppressed);
                }
            });
            LOG.debug("Deleted blob {} in region {}", key, region);
            return true;
        }
        throw new ConflictException(key.value(), "blob '" + key + "' in region " + region
                + " was replaced three times while it was being deleted; retry the delete");
    }

    /**
     * {@inheritDoc}
     *
     * <p>It aborts every multipart upload of a blob key under the key prefix that S3 reports as initiated before
     * {@code minimumAge} ago, and counts those. A put whose upload is aborted fails with {@link StorageIoException}.
     * It also deletes checksum objects older than that whose blob is gone or belongs to another put, without
     * counting them. With a minimum age of zero it can remove the checksum object of a put that is completing at
     * that moment.
     *
     * @throws IllegalArgumentException when {@code minimumAge} is negative
     */
    @Override
    public int deleteUnfinishedUploads(Duration minimumAge) {
        requireNonNull(minimumAge, "minimumAge");
        if (minimumAge.isNegative()) {
            throw new IllegalArgumentException("invalid minimum age " + minimumAge + ": it must not be negative");
        }
        Instant cutoff = settings.clock().instant().minus(minimumAge);
        int aborted = abortUploadsBefore(cutoff);
        int checksums = deleteOrphanChecksumObjects(cutoff);
        LOG.debug("Aborted {} unfinished uploads and deleted {} orphan checksum objects older than {} in {}", aborted,
                checksums, minimumAge, bucket);
        return aborted;
    }

    /** True when {@code destination} is an {@link S3BlobStore} that uses the same S3 client as this one. */
    @Override
    public boolean canCopyServerSide(BlobStore destination) {
        return destination instanceof S3BlobStore other && other.client == client;
    }

    @Override
    public BlobInfo copyTo(BlobKey source, BlobStore destination, BlobKey destinationKey) {
        requireNonNull(source, "source");
        requireNonNull(destination, "destination");
        requireNonNull(destinationKey, "destinationKey");
        if (!canCopyServerSide(destination)) {
            throw new IllegalArgumentException("cannot copy blob '" + source + "' server-side to " + destination
                    + ": the destination must be an S3BlobStore of the same S3 client");
        }
        S3BlobStore target = (S3BlobStore) destination;
        Head head = head(source).orElseThrow(() -> new NotFoundException("blob", source.value()));
        String sha256 = sha256Of(source, head).orElseThrow(() -> new NotFoundException("blob", source.value()));
        if (target.head(destinationKey).isPresent()) {
            throw target.alreadyExists(destinationKey);
        }
        BlobInfo info = new ServerSideCopy(client, transfers, settings, bucket, objectKey(source), head.etag(),
                head.size(), sha256, target, destinationKey).run();
        LOG.debug("Copied blob {} of region {} server-side to blob {} of region {}", source, region, destinationKey,
                target.region);
        return info;
    }

    @Override
    public String toString() {
        return "S3BlobStore[region " + region + ", bucket " + bucket + "]";
    }

    /** The size, ETag and metadata of a blob's object. */
    record Head(long size, String etag, Optional<String> sha256, Optional<String> token) {}

    Optional<Head> head(BlobKey key) {
        HeadObjectResponse response;
        try {
            response = client.headObject(request -> request.bucket(bucket).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw ioFailure(key, "read", e);
        } catch (SdkException e) {
            throw ioFailure(key, "read", e);
        }
        Map<String, String> metadata = response.metadata();
        return Optional.of(new Head(response.contentLength(), response.eTag(),
                Optional.ofNullable(metadata.get(SHA256_METADATA)), Optional.ofNullable(metadata.get(TOKEN_METADATA))));
    }

    /** Returns the SHA-256 of the blob, or empty when it was deleted while its checksum object was read. */
    private Optional<String> sha256Of(BlobKey key, Head head) {
        if (head.sha256().isPresent()) {
            return Optional.of(validSha256(key, head.sha256().get()));
        }
        if (head.token().isEmpty()) {
            throw new StorageIoException(key.value(), "blob '" + key + "' at s3://" + bucket + "/" + objectKey(key)
                    + " has neither a sha256 nor an upload-token in its metadata; the object was not written by this"
                    + " store, so restore or delete it", null);
        }
        String checksumObject = checksumObjectKey(key, head.token().get());
        try {
            byte[] body = client.getObjectAsBytes(request -> request.bucket(bucket).key(checksumObject))
                    .asByteArray();
            return Optional.of(validSha256(key, new String(body, US_ASCII)));
        } catch (S3Exception e) {
            if (!S3Errors.isNotFound(e)) {
                throw ioFailure(key, "read the SHA-256 of", e);
            }
        } catch (SdkException e) {
            throw ioFailure(key, "read the SHA-256 of", e);
        }
        if (head(key).filter(current -> current.etag().equals(head.etag())).isEmpty()) {
            return Optional.empty();
        }
        throw new StorageIoException(key.value(), "blob '" + key + "' has no checksum object at s3://" + bucket + "/"
                + checksumObject + "; restore it or delete the blob", null);
    }

    private String validSha256(BlobKey key, String sha256) {
        if (!BlobArguments.isSha256Hex(sha256)) {
            throw new StorageIoException(key.value(), "blob '" + key + "' in bucket " + bucket
                    + " has an invalid recorded SHA-256 '" + sha256 + "'; restore or delete the blob", null);
        }
        return sha256;
    }

    String checksumObjectKey(BlobKey key, String token) {
        return settings.keyPrefix() + CHECKSUM_FOLDER + key.value() + "/" + token;
    }

    void putChecksumObject(BlobKey key, String checksumObject, String sha256) {
        try {
            client.putObject(request -> request.bucket(bucket).key(checksumObject).contentType("text/plain")
                    .metadata(Map.of(SHA256_METADATA, sha256)), RequestBody.fromString(sha256, US_ASCII));
        } catch (SdkException e) {
            throw ioFailure(key, "store the SHA-256 of", e);
        }
    }

    /** Deletes a checksum object, attaching a failure to {@code failure} instead of throwing it. */
    void deleteChecksumObject(String checksumObject, Throwable failure) {
        try {
            client.deleteObject(request -> request.bucket(bucket).key(checksumObject));
        } catch (SdkException e) {
            failure.addSuppressed(e);
        }
    }

    private int abortUploadsBefore(Instant cutoff) {
        int aborted = 0;
        Optional<String> keyMarker = Optional.empty();
        Optional<String> uploadIdMarker = Optional.empty();
        while (true) {
            ListMultipartUploadsResponse page = listUploads(keyMarker, uploadIdMarker);
            for (MultipartUpload upload : page.uploads()) {
                if (isBlobObjectKey(upload.key()) && upload.initiated() != null
                        && upload.initiated().isBefore(cutoff) && abortUpload(upload)) {
                    aborted++;
                }
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return aborted;
            }
            keyMarker = Optional.ofNullable(page.nextKeyMarker());
            uploadIdMarker = Optional.ofNullable(page.nextUploadIdMarker());
        }
    }

    private ListMultipartUploadsResponse listUploads(Optional<String> keyMarker, Optional<String> uploadIdMarker) {
        try {
            return client.listMultipartUploads(request -> {
                request.bucket(bucket).prefix(settings.keyPrefix()).maxUploads(settings.listPageSize());
                keyMarker.ifPresent(request::keyMarker);
                uploadIdMarker.ifPresent(request::uploadIdMarker);
            });
        } catch (SdkException e) {
            throw new StorageIoException(bucket, "failed to list the unfinished uploads in bucket " + bucket + ": "
                    + e.getMessage(), e);
        }
    }

    private boolean abortUpload(MultipartUpload upload) {
        try {
            client.abortMultipartUpload(request -> request.bucket(bucket).key(upload.key())
                    .uploadId(upload.uploadId()));
            LOG.debug("Aborted unfinished upload {} of {} in {}, initiated at {}", upload.uploadId(), upload.key(),
                    bucket, upload.initiated());
            return true;
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return false;
            }
            throw new StorageIoException(upload.key(), "failed to abort unfinished upload " + upload.uploadId()
                    + " of s3://" + bucket + "/" + upload.key() + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StorageIoException(upload.key(), "failed to abort unfinished upload " + upload.uploadId()
                    + " of s3://" + bucket + "/" + upload.key() + ": " + e.getMessage(), e);
        }
    }

    private int deleteOrphanChecksumObjects(Instant cutoff) {
        String prefix = settings.keyPrefix() + CHECKSUM_FOLDER;
        int deleted = 0;
        Optional<String> continuation = Optional.empty();
        do {
            ListObjectsV2Response page;
            Optional<String> token = continuation;
            try {
                page = client.listObjectsV2(request -> {
                    request.bucket(bucket).prefix(prefix).maxKeys(settings.listPageSize());
                    token.ifPresent(request::continuationToken);
                });
            } catch (SdkException e) {
                throw new StorageIoException(bucket, "failed to list the checksum objects in bucket " + bucket + ": "
                        + e.getMessage(), e);
            }
            for (S3Object object : page.contents()) {
                if (object.lastModified() != null && object.lastModified().isBefore(cutoff)
                        && deleteIfOrphan(object.key().substring(prefix.length()), object.key())) {
                    deleted++;
                }
            }
            continuation = Boolean.TRUE.equals(page.isTruncated())
                    ? Optional.ofNullable(page.nextContinuationToken())
                    : Optional.empty();
        } while (continuation.isPresent());
        return deleted;
    }

    /** Deletes the checksum object {@code <blob key>/<token>} when its blob is gone or has another token. */
    private boolean deleteIfOrphan(String keyAndToken, String checksumObject) {
        int slash = keyAndToken.indexOf('/');
        BlobKey key;
        try {
            key = BlobKey.of(slash < 0 ? keyAndToken : keyAndToken.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return false;
        }
        String token = keyAndToken.substring(slash + 1);
        if (head(key).flatMap(Head::token).filter(token::equals).isPresent()) {
            return false;
        }
        StorageIoException failure = new StorageIoException(key.value(), "orphan checksum object", null);
        deleteChecksumObject(checksumObject, failure);
        if (failure.getSuppressed().length > 0) {
            throw new StorageIoException(key.value(), "failed to delete orphan checksum object s3://" + bucket + "/"
                    + checksumObject, failure.getSuppressed()[0]);
        }
        return true;
    }

    private boolean isBlobObjectKey(String objectKey) {
        if (!objectKey.startsWith(settings.keyPrefix())) {
            return false;
        }
        try {
            BlobKey.of(objectKey.substring(settings.keyPrefix().length()));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    ConflictException alreadyExists(BlobKey key) {
        return new ConflictException(key.value(), "blob '" + key + "' already exists in region " + region
                + " (bucket " + bucket + "); delete it first or put the content under another key");
    }

    StorageIoException ioFailure(BlobKey key, String operation, SdkException e) {
        return new StorageIoException(key.value(), "failed to " + operation + " blob '" + key + "' at s3://" + bucket
                + "/" + objectKey(key) + ": " + e.getMessage(), e);
    }


}
