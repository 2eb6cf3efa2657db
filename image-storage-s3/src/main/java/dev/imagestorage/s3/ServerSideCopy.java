package dev.imagestorage.s3;

import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One server-side copy of {@link S3BlobStore#copyTo}: a multipart upload to the destination whose parts are
 * UploadPartCopy requests on ranges of the source, ended by CompleteMultipartUpload with {@code If-None-Match: *}.
 *
 * <p>A copy of up to 5 GiB could be a single CopyObject, but S3Proxy 4.1.0 ignores {@code If-None-Match} on
 * CopyObject and overwrites an existing destination, so every copy is a multipart upload, whose completion is
 * conditional. Each UploadPartCopy names the source's ETag in {@code x-amz-copy-source-if-match}, so the copy
 * fails instead of mixing two blobs when the source is replaced meanwhile. The destination's metadata records the
 * source's SHA-256; the bytes never pass through this process, so S3 alone vouches that they are equal.
 */
final class ServerSideCopy {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSideCopy.class);

    private final S3Client client;
    private final Executor executor;
    private final TransferSettings settings;
    private final String sourceBucket;
    private final String sourceObject;
    private final String sourceEtag;
    private final long size;
    private final String sha256;
    private final S3BlobStore target;
    private final BlobKey targetKey;
    private final String targetObject;

    ServerSideCopy(S3Client client, Executor executor, TransferSettings settings, String sourceBucket,
            String sourceObject, String sourceEtag, long size, String sha256, S3BlobStore target, BlobKey targetKey) {
        this.client = client;
        this.executor = executor;
        this.settings = settings;
        this.sourceBucket = sourceBucket;
        this.sourceObject = sourceObject;
        this.sourceEtag = sourceEtag;
        this.size = size;
        this.sha256 = sha256;
        this.target = target;
        this.targetKey = targetKey;
        this.targetObject = target.objectKey(targetKey);
    }

    BlobInfo run() {
        if (size == 0) {
            putEmpty();
        } else {
            copyInParts();
        }
        return new BlobInfo(targetKey, size, sha256);
    }

    private void putEmpty() {
        try {
            client.putObject(request -> request.bucket(target.bucket()).key(targetObject).ifNoneMatch("*")
                    .metadata(Map.of(S3BlobStore.SHA256_METADATA, sha256)), RequestBody.empty());
        } catch (S3Exception e) {
            if (S3Errors.isConditionFailed(e)) {
                throw target.alreadyExists(targetKey);
            }
            throw target.ioFailure(targetKey, "copy into", e);
        } catch (SdkException e) {
            throw target.ioFailure(targetKey, "copy into", e);
        }
    }

    private void copyInParts() {
        long partSize = Math.min(S3Storage.MAX_PART_SIZE,
                Math.max(settings.partSize(), -Math.floorDiv(-size, (long) S3Storage.MAX_PARTS)));
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(request -> request.bucket(target.bucket()).key(targetObject)
                    .contentType("application/octet-stream")
                    .metadata(Map.of(S3BlobStore.SHA256_METADATA, sha256))).uploadId();
        } catch (SdkException e) {
            throw target.ioFailure(targetKey, "start the copy into", e);
        }

        Semaphore inFlight = new Semaphore(settings.uploadConcurrency());
        List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
        try {
            for (long offset = 0; offset < size; offset += partSize) {
                int partNumber = parts.size() + 1;
                String range = "bytes=" + offset + "-" + (Math.min(size, offset + partSize) - 1);
                inFlight.acquire();
                parts.add(CompletableFuture.supplyAsync(() -> copyPart(uploadId, partNumber, range), executor)
                        .whenComplete((result, failure) -> inFlight.release()));
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (CompletableFuture<CompletedPart> part : parts) {
                completed.add(join(part));
            }
            complete(uploadId, completed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            StorageIoException failure = new StorageIoException(targetKey.value(), "interrupted while copying into"
                    + " blob '" + targetKey + "'; nothing was stored", e);
            abort(uploadId, parts, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            abort(uploadId, parts, e);
            throw e;
        }
    }

    private CompletedPart copyPart(String uploadId, int partNumber, String range) {
        try {
            String etag = client.uploadPartCopy(request -> request.sourceBucket(sourceBucket).sourceKey(sourceObject)
                    .copySourceIfMatch(sourceEtag).copySourceRange(range).destinationBucket(target.bucket())
                    .destinationKey(targetObject).uploadId(uploadId).partNumber(partNumber))
                    .copyPartResult().eTag();
            return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
        } catch (SdkException e) {
            throw target.ioFailure(targetKey, "copy " + range + " of s3://" + sourceBucket + "/" + sourceObject
                    + " into", e);
        }
    }

    private void complete(String uploadId, List<CompletedPart> parts) {
        try {
            client.completeMultipartUpload(request -> request.bucket(target.bucket()).key(targetObject)
                    .uploadId(uploadId).ifNoneMatch("*").multipartUpload(upload -> upload.parts(parts)));
        } catch (S3Exception e) {
            if (S3Errors.isConditionFailed(e)) {
                throw target.alreadyExists(targetKey);
            }
            throw target.ioFailure(targetKey, "complete the copy into", e);
        } catch (SdkException e) {
            throw target.ioFailure(targetKey, "complete the copy into", e);
        }
    }

    private void abort(String uploadId, List<CompletableFuture<CompletedPart>> parts, Throwable failure) {
        for (CompletableFuture<CompletedPart> part : parts) {
            try {
                part.join();
            } catch (RuntimeException e) {
                // The copy fails with the first failure; the others add nothing.
            }
        }
        try {
            client.abortMultipartUpload(request -> request.bucket(target.bucket()).key(targetObject)
                    .uploadId(uploadId));
            LOG.debug("Aborted copy {} into {} of {}", uploadId, targetKey, target.bucket());
        } catch (SdkException e) {
            failure.addSuppressed(e);
        }
    }

    private static CompletedPart join(CompletableFuture<CompletedPart> part) {
        try {
            return part.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
