package dev.imagestorage.s3;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One put of {@link S3BlobStore}: reads the content on the calling thread, hashing it, and uploads it as a single
 * PUT when it fits in one part, or else as a multipart upload whose parts go up on the transfer threads.
 *
 * <p>At most {@code uploadConcurrency} part buffers exist at once: the reader takes a permit before it fills a
 * buffer and the upload of that buffer returns it, so the heap used is at most {@code uploadConcurrency × partSize}.
 * A buffer whose part is uploaded is kept for a later part of the same put, so a put allocates at most
 * {@code uploadConcurrency} buffers instead of one per part, which the garbage collector would have to free.
 * Each part, and each single PUT, carries its SHA-256 in {@code x-amz-checksum-sha256}, which S3 checks before it
 * stores the bytes. The whole content's SHA-256 is computed as it is read and compared with the expected one before
 * anything becomes visible.
 */
final class BlobUpload {
    private static final Logger LOG = LoggerFactory.getLogger(BlobUpload.class);
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3BlobStore store;
    private final S3Client client;
    private final TransferSettings settings;
    private final Executor executor;
    private final BlobKey key;
    private final String objectKey;
    private final InputStream content;
    private final Optional<String> expectedSha256;
    private final Hasher hasher = Hashing.sha256().newHasher();
    private final Semaphore buffers;
    /** Buffers whose parts are uploaded; each is returned here before its permit is released. */
    private final Queue<PartBuffer> idleBuffers = new ConcurrentLinkedQueue<>();
    private final AtomicReference<RuntimeException> partFailure = new AtomicReference<>();
    private long size;

    BlobUpload(S3BlobStore store, S3Client client, TransferSettings settings, Executor executor, BlobKey key,
            InputStream content, Optional<String> expectedSha256) {
        this.store = store;
        this.client = client;
        this.settings = settings;
        this.executor = executor;
        this.key = key;
        this.objectKey = store.objectKey(key);
        this.content = content;
        this.expectedSha256 = expectedSha256;
        this.buffers = new Semaphore(settings.uploadConcurrency());
    }

    BlobInfo run() {
        buffers.acquireUninterruptibly();
        PartBuffer first = new PartBuffer(settings.partSize());
        boolean full = fill(first);
        int nextByte = full ? readByte() : -1;
        if (nextByte < 0) {
            return putSingle(first);
        }
        return putMultipart(first, nextByte);
    }

    private BlobInfo putSingle(PartBuffer buffer) {
        HashCode sha256 = hasher.hash();
        checkExpected(sha256.toString());
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(store.bucket())
                .key(objectKey)
                .ifNoneMatch("*")
                .contentType(CONTENT_TYPE)
                .contentLength(buffer.size())
                .checksumSHA256(Base64.getEncoder().encodeToString(sha256.asBytes()))
                .metadata(Map.of(S3BlobStore.SHA256_METADATA, sha256.toString()))
                .build();
        try {
            client.putObject(request, RequestBody.fromContentProvider(buffer::newInputStream, buffer.size(),
                    CONTENT_TYPE));
        } catch (S3Exception e) {
            if (S3Errors.isConditionFailed(e)) {
                throw store.alreadyExists(key);
            }
            throw store.ioFailure(key, "store", e);
        } catch (SdkException e) {
            throw store.ioFailure(key, "store", e);
        }
        LOG.debug("Stored blob {} in {} with a single PUT: {} bytes", key, store.bucket(), size);
        return new BlobInfo(key, size, sha256.toString());
    }

    private BlobInfo putMultipart(PartBuffer first, int nextByte) {
        String token = UUID.randomUUID().toString();
        Map<String, String> metadata = new HashMap<>();
        metadata.put(S3BlobStore.TOKEN_METADATA, token);
        expectedSha256.ifPresent(sha256 -> metadata.put(S3BlobStore.SHA256_METADATA, sha256));
        String uploadId = createMultipartUpload(metadata);
        List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
        Optional<String> checksumObject = Optional.empty();
        try {
            parts.add(submit(uploadId, 1, first));
            boolean full = true;
            boolean carry = true;
            while (full) {
                PartBuffer buffer = acquireBuffer();
                if (carry) {
                    buffer.append(nextByte);
                    count(new byte[] {(byte) nextByte}, 0, 1);
                    carry = false;
                }
                full = fill(buffer);
                if (buffer.size() == 0) {
                    releaseBuffer(buffer);
                    break;
                }
                if (parts.size() == S3Storage.MAX_PARTS) {
                    throw tooLarge();
                }
                parts.add(submit(uploadId, parts.size() + 1, buffer));
            }
            List<CompletedPart> completed = awaitParts(parts);

            String sha256 = hasher.hash().toString();
            checkExpected(sha256);
            if (expectedSha256.isEmpty()) {
                checksumObject = Optional.of(store.checksumObjectKey(key, token));
                store.putChecksumObject(key, checksumObject.get(), sha256);
            }
            complete(uploadId, completed);
            LOG.debug("Stored blob {} in {} with a multipart upload of {} parts: {} bytes", key, store.bucket(),
                    completed.size(), size);
            return new BlobInfo(key, size, sha256);
        } catch (RuntimeException | Error e) {
            abort(uploadId, parts, checksumObject, e);
            throw e;
        }
    }

    private String createMultipartUpload(Map<String, String> metadata) {
        try {
            return client.createMultipartUpload(request -> request.bucket(store.bucket()).key(objectKey)
                    .contentType(CONTENT_TYPE).checksumAlgorithm(ChecksumAlgorithm.SHA256).metadata(metadata))
                    .uploadId();
        } catch (SdkException e) {
            throw store.ioFailure(key, "start the multipart upload of", e);
        }
    }

    private CompletableFuture<CompletedPart> submit(String uploadId, int partNumber, PartBuffer buffer) {
        CompletableFuture<CompletedPart> part;
        try {
            part = CompletableFuture.supplyAsync(() -> uploadPart(uploadId, partNumber, buffer), executor);
        } catch (RuntimeException e) {
            releaseBuffer(buffer);
            throw e;
        }
        return part.whenComplete((result, failure) -> {
            if (failure != null) {
                partFailure.compareAndSet(null, unwrap(failure));
            }
            releaseBuffer(buffer);
        });
    }

    private CompletedPart uploadPart(String uploadId, int partNumber, PartBuffer buffer) {
        String checksum = buffer.sha256Base64();
        UploadPartRequest request = UploadPartRequest.builder()
                .bucket(store.bucket())
                .key(objectKey)
                .uploadId(uploadId)
                .partNumber(partNumber)
                .contentLength(buffer.size())
                .checksumSHA256(checksum)
                .build();
        UploadPartResponse response;
        try {
            response = client.uploadPart(request, RequestBody.fromContentProvider(buffer::newInputStream,
                    buffer.size(), CONTENT_TYPE));
        } catch (SdkException e) {
            throw store.ioFailure(key, "upload part " + partNumber + " of", e);
        }
        if (response.checksumSHA256() != null && !response.checksumSHA256().equals(checksum)) {
            throw new StorageIoException(key.value(), "S3 stored part " + partNumber + " of blob '" + key
                    + "' with SHA-256 " + response.checksumSHA256() + " but the part sent has " + checksum, null);
        }
        return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).checksumSHA256(checksum).build();
    }

    private void complete(String uploadId, List<CompletedPart> parts) {
        try {
            client.completeMultipartUpload(request -> request.bucket(store.bucket()).key(objectKey)
                    .uploadId(uploadId).ifNoneMatch("*").multipartUpload(upload -> upload.parts(parts)));
        } catch (S3Exception e) {
            if (S3Errors.isConditionFailed(e)) {
                throw store.alreadyExists(key);
            }
            throw store.ioFailure(key, "complete the multipart upload of", e);
        } catch (SdkException e) {
            throw store.ioFailure(key, "complete the multipart upload of", e);
        }
    }

    /**
     * Waits for every part upload to settle, then aborts the multipart upload and removes the checksum object,
     * attaching their failures to {@code failure}. Waiting first matters: a part that finishes after the abort
     * would leave stored bytes behind.
     */
    private void abort(String uploadId, List<CompletableFuture<CompletedPart>> parts, Optional<String> checksumObject,
            Throwable failure) {
        for (CompletableFuture<CompletedPart> part : parts) {
            try {
                part.join();
            } catch (RuntimeException e) {
                // This part's failure is either the one being thrown or a consequence of it.
            }
        }
        try {
            client.abortMultipartUpload(request -> request.bucket(store.bucket()).key(objectKey).uploadId(uploadId));
            LOG.debug("Aborted multipart upload {} of blob {} in {}", uploadId, key, store.bucket());
        } catch (S3Exception e) {
            if (!S3Errors.isNotFound(e)) {
                failure.addSuppressed(e);
            }
        } catch (SdkException e) {
            failure.addSuppressed(e);
        }
        checksumObject.ifPresent(object -> store.deleteChecksumObject(object, failure));
    }

    private List<CompletedPart> awaitParts(List<CompletableFuture<CompletedPart>> parts) {
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (CompletableFuture<CompletedPart> part : parts) {
            try {
                completed.add(part.join());
            } catch (CompletionException e) {
                throw unwrap(e);
            }
        }
        return completed;
    }

    /**
     * Takes a permit and returns an empty buffer: an idle one, or a new one when none is idle. A new buffer is
     * created only while no buffer is idle, and every buffer in use holds a permit, so at most
     * {@code uploadConcurrency} buffers ever exist.
     */
    private PartBuffer acquireBuffer() {
        try {
            buffers.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageIoException(key.value(), "interrupted while uploading blob '" + key + "'; nothing was"
                    + " stored", e);
        }
        RuntimeException failure = partFailure.get();
        if (failure != null) {
            buffers.release();
            throw failure;
        }
        PartBuffer idle = idleBuffers.poll();
        return idle != null ? idle : new PartBuffer(settings.partSize());
    }

    /** Empties a buffer whose part upload has ended, keeps it for the next part and releases its permit. */
    private void releaseBuffer(PartBuffer buffer) {
        buffer.clear();
        idleBuffers.add(buffer);
        buffers.release();
    }

    /** Fills {@code buffer} from the content; returns false when the content ended. */
    private boolean fill(PartBuffer buffer) {
        try {
            return buffer.fill(content, this::count);
        } catch (IOException e) {
            throw new StorageIoException(key.value(), "failed to read the content of blob '" + key + "': "
                    + e.getMessage() + "; nothing was stored", e);
        }
    }

    private int readByte() {
        try {
            return content.read();
        } catch (IOException e) {
            throw new StorageIoException(key.value(), "failed to read the content of blob '" + key + "': "
                    + e.getMessage() + "; nothing was stored", e);
        }
    }

    private void count(byte[] bytes, int offset, int length) {
        hasher.putBytes(bytes, offset, length);
        size += length;
        if (size > settings.maxBlobSize()) {
            throw tooLarge();
        }
    }

    private void checkExpected(String sha256) {
        if (expectedSha256.isPresent() && !expectedSha256.get().equals(sha256)) {
            throw new ChecksumMismatchException(key.value(), expectedSha256.get(), sha256);
        }
    }

    private StorageIoException tooLarge() {
        return new StorageIoException(key.value(), "blob '" + key + "' is larger than the maximum blob size of "
                + settings.maxBlobSize() + " bytes of this store; nothing was stored", null);
    }

    private static RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }
}
