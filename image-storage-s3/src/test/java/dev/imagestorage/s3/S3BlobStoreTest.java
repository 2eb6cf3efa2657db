package dev.imagestorage.s3;

import static dev.imagestorage.s3.TestStorages.MEBIBYTE;
import static dev.imagestorage.s3.TestStorages.PART_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.testkit.BlobStoreContract;
import dev.imagestorage.testkit.BlockingInputStream;
import dev.imagestorage.testkit.ManualClock;
import dev.imagestorage.testkit.TestStreams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(S3ProxyExtension.class)
class S3BlobStoreTest extends BlobStoreContract {
    private static final RegionId JP1 = RegionId.of("JP1");
    private static final RegionId JP2 = RegionId.of("JP2");
    private static final BlobKey KEY = BlobKey.of("image-1.raw");
    /** Three and a half parts of 5 MiB. */
    private static final int MULTIPART_SIZE = (int) (3 * PART_SIZE + PART_SIZE / 2);

    private final S3Client s3 = S3ProxyExtension.client();
    private final ManualClock clock = new ManualClock(Instant.now());
    private S3Storage storage;
    private S3BlobStore blobs;

    @Override
    protected BlobStore newStore() {
        storage = TestStorages.newStorage(builder -> builder.clock(clock));
        blobs = storage.blobs(JP1);
        return blobs;
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Test
    void smallBlobIsSinglePutWithSha256() {
        byte[] content = randomBytes(10_000, 1);

        BlobInfo info = store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        HeadObjectResponse head = s3.headObject(request -> request.bucket(blobs.bucket()).key("image-1.raw"));
        assertThat(head.contentLength()).isEqualTo(content.length);
        assertThat(head.eTag()).doesNotContain("-");
        assertThat(head.metadata()).containsEntry("sha256", info.sha256());
        assertThat(objectKeys()).containsExactly("image-1.raw");
    }

    @Test
    void multipartBlobRoundTrips() {
        byte[] content = randomBytes(MULTIPART_SIZE, 2);

        BlobInfo info = store.put(KEY, TestStreams.chunked(content, 100_000), Optional.of(sha256(content)));

        assertThat(info.sizeBytes()).isEqualTo(MULTIPART_SIZE);
        assertThat(info.sha256()).isEqualTo(sha256(content));
        HeadObjectResponse head = s3.headObject(request -> request.bucket(blobs.bucket()).key("image-1.raw"));
        assertThat(head.eTag()).endsWith("-4\"");
        assertThat(head.metadata()).containsEntry("sha256", info.sha256());
        assertThat(store.stat(KEY)).contains(info);
        assertThat(readAll(store.open(KEY))).isEqualTo(content);
        assertThat(listUploads()).isEmpty();
    }

    @Test
    void reusedPartBufferSendsOnlyNewBytes() {
        // One buffer for five parts: the short last part reuses a buffer that held a full part before.
        try (S3Storage sequential = TestStorages.newStorage(builder -> builder.uploadConcurrency(1))) {
            S3BlobStore sequentialBlobs = sequential.blobs(JP1);
            byte[] content = randomBytes((int) (4 * PART_SIZE + 12_345), 20);

            BlobInfo info = sequentialBlobs.put(KEY, TestStreams.chunked(content, 70_000), Optional.empty());

            HeadObjectResponse head = s3.headObject(request -> request.bucket(sequentialBlobs.bucket())
                    .key("image-1.raw"));
            assertThat(head.eTag()).endsWith("-5\"");
            assertThat(head.contentLength()).isEqualTo(content.length);
            assertThat(info.sha256()).isEqualTo(sha256(content));
            assertThat(readAll(sequentialBlobs.open(KEY))).isEqualTo(content);
        }
    }

    @Test
    void multipartWithoutExpectedUsesChecksumObject() {
        byte[] content = randomBytes(MULTIPART_SIZE, 3);

        BlobInfo info = store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        HeadObjectResponse head = s3.headObject(request -> request.bucket(blobs.bucket()).key("image-1.raw"));
        String token = head.metadata().get("upload-token");
        assertThat(head.metadata()).doesNotContainKey("sha256");
        assertThat(objectKeys()).containsExactly(".sha256/image-1.raw/" + token, "image-1.raw");
        assertThat(store.stat(KEY)).contains(info);
        assertThat(info.sha256()).isEqualTo(sha256(content));

        assertThat(store.delete(KEY)).isTrue();
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void blobOfExactlyOnePartIsSinglePut() {
        byte[] content = randomBytes((int) PART_SIZE, 4);

        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        HeadObjectResponse head = s3.headObject(request -> request.bucket(blobs.bucket()).key("image-1.raw"));
        assertThat(head.eTag()).doesNotContain("-");
        assertThat(readAll(store.open(KEY))).isEqualTo(content);
    }

    @Test
    void rangedReadsAcrossChunks() {
        byte[] content = randomBytes(MULTIPART_SIZE, 5);
        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        long[][] ranges = {{0, 1}, {MEBIBYTE - 1, 2}, {3, 5 * MEBIBYTE}, {PART_SIZE, MEBIBYTE * 7 + 13},
            {MULTIPART_SIZE - 10, 100}, {1, Long.MAX_VALUE}};
        for (long[] range : ranges) {
            int from = (int) range[0];
            int to = (int) Math.min(MULTIPART_SIZE, range[0] + Math.min(range[1], MULTIPART_SIZE));
            assertThat(readAll(store.open(KEY, range[0], range[1])))
                    .as("offset %d, length %d", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(content, from, to));
        }
    }

    @Test
    void streamFailingAtThirdPartAbortsUpload() {
        IOException failure = new IOException("connection reset at part 3");
        InputStream content = TestStreams.failingAfter(randomBytes((int) (2 * PART_SIZE + 1000), 6), failure);

        assertThatThrownBy(() -> store.put(KEY, content, Optional.empty()))
                .isInstanceOf(StorageIoException.class)
                .hasCause(failure);

        assertThat(listUploads()).isEmpty();
        assertThat(objectKeys()).isEmpty();
        assertNoBlob(KEY);
    }

    @Test
    void uncheckedFailureAtSecondPartAbortsUpload() {
        IllegalStateException failure = new IllegalStateException("decoder failed at part 2");
        InputStream content = TestStreams.failingAfter(randomBytes((int) (PART_SIZE + 1000), 7), failure);

        assertThatThrownBy(() -> store.put(KEY, content, Optional.empty())).isSameAs(failure);

        assertThat(listUploads()).isEmpty();
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void multipartChecksumMismatchLeavesNothing() {
        byte[] content = randomBytes(MULTIPART_SIZE, 8);
        String expected = sha256(new byte[] {1});

        assertThatThrownBy(() -> store.put(KEY, new ByteArrayInputStream(content), Optional.of(expected)))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(expected);

        assertThat(listUploads()).isEmpty();
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void tooLargeBlobRejected() {
        S3Storage small = TestStorages.newStorage(builder -> builder.maxBlobSize(2 * PART_SIZE));
        try (small) {
            BlobStore limited = small.blobs(JP1);
            byte[] content = randomBytes((int) (2 * PART_SIZE + 1), 9);

            assertThatThrownBy(() -> limited.put(KEY, new ByteArrayInputStream(content), Optional.empty()))
                    .isInstanceOf(StorageIoException.class)
                    .hasMessageContaining("larger than the maximum blob size of " + 2 * PART_SIZE);
            assertThat(limited.stat(KEY)).isEmpty();
        }
    }

    @Test
    void racingMultipartPutLosesOnComplete() throws Exception {
        // The loser passes the early existence check, uploads its parts, then its conditional complete fails.
        BlockingInputStream content = new BlockingInputStream(randomBytes((int) (PART_SIZE + 1000), 10));
        CompletableFuture<BlobInfo> loser = CompletableFuture.supplyAsync(
                () -> store.put(KEY, content, Optional.empty()));
        content.awaitBlocked();
        byte[] winner = randomBytes(1000, 11);
        store.put(KEY, new ByteArrayInputStream(winner), Optional.empty());
        content.release();

        assertThatThrownBy(() -> loser.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.value());
        assertThat(readAll(store.open(KEY))).isEqualTo(winner);
        assertThat(listUploads()).isEmpty();
        assertThat(objectKeys()).containsExactly("image-1.raw");
    }

    @Test
    void cleanupAbortsOnlyOldUploads() throws Exception {
        BlockingInputStream content = new BlockingInputStream(randomBytes((int) (PART_SIZE + 1000), 12));
        CompletableFuture<BlobInfo> stalled = CompletableFuture.supplyAsync(
                () -> store.put(KEY, content, Optional.empty()));
        content.awaitBlocked();
        s3.createMultipartUpload(request -> request.bucket(blobs.bucket()).key("left-by-a-crash"));
        s3.createMultipartUpload(request -> request.bucket(blobs.bucket()).key("not a blob key"));

        assertThat(blobs.deleteUnfinishedUploads(Duration.ofHours(1))).isZero();
        clock.advance(Duration.ofHours(2));
        int removed = blobs.deleteUnfinishedUploads(Duration.ofHours(1));
        content.release();

        assertThat(removed).isEqualTo(2);
        assertThatThrownBy(() -> stalled.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining(KEY.value());
        assertThat(listUploads()).containsExactly("not a blob key");
        assertNoBlob(KEY);
    }

    @Test
    void cleanupRemovesOrphanChecksumObjects() {
        s3.putObject(request -> request.bucket(blobs.bucket()).key(".sha256/gone/0b8c2a1e"),
                software.amazon.awssdk.core.sync.RequestBody.fromString(sha256(new byte[0])));
        BlobInfo kept = store.put(KEY, new ByteArrayInputStream(randomBytes(MULTIPART_SIZE, 13)), Optional.empty());
        clock.advance(Duration.ofHours(2));

        assertThat(blobs.deleteUnfinishedUploads(Duration.ofHours(1))).isZero();

        assertThat(objectKeys()).hasSize(2).doesNotContain(".sha256/gone/0b8c2a1e");
        assertThat(store.stat(KEY)).contains(kept);
    }

    @Test
    void serverSideCopyToOtherRegion() {
        S3BlobStore destination = storage.blobs(JP2);
        byte[] small = randomBytes(1000, 14);
        byte[] large = randomBytes(MULTIPART_SIZE, 15);
        BlobInfo smallInfo = store.put(BlobKey.of("small"), new ByteArrayInputStream(small), Optional.empty());
        BlobInfo largeInfo = store.put(BlobKey.of("large"), new ByteArrayInputStream(large), Optional.empty());
        store.put(BlobKey.of("empty"), new ByteArrayInputStream(new byte[0]), Optional.empty());

        assertThat(blobs.canCopyServerSide(destination)).isTrue();
        assertThat(blobs.copyTo(BlobKey.of("small"), destination, BlobKey.of("copy-small")))
                .isEqualTo(new BlobInfo(BlobKey.of("copy-small"), 1000, smallInfo.sha256()));
        assertThat(blobs.copyTo(BlobKey.of("large"), destination, BlobKey.of("copy-large")).sha256())
                .isEqualTo(largeInfo.sha256());
        blobs.copyTo(BlobKey.of("empty"), destination, BlobKey.of("copy-empty"));

        assertThat(readAll(destination.open(BlobKey.of("copy-small")))).isEqualTo(small);
        assertThat(readAll(destination.open(BlobKey.of("copy-large")))).isEqualTo(large);
        assertThat(destination.stat(BlobKey.of("copy-large")).orElseThrow().sha256()).isEqualTo(largeInfo.sha256());
        assertThat(destination.stat(BlobKey.of("copy-empty")).orElseThrow().sizeBytes()).isZero();
    }

    @Test
    void serverSideCopyConflictsAndLeavesDestination() {
        S3BlobStore destination = storage.blobs(JP2);
        store.put(KEY, new ByteArrayInputStream(randomBytes(MULTIPART_SIZE, 16)), Optional.empty());
        byte[] existing = randomBytes(100, 17);
        destination.put(KEY, new ByteArrayInputStream(existing), Optional.empty());

        assertThatThrownBy(() -> blobs.copyTo(KEY, destination, KEY))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.value());
        assertThatThrownBy(() -> blobs.copyTo(BlobKey.of("missing"), destination, BlobKey.of("other")))
                .isInstanceOf(NotFoundException.class);
        assertThat(readAll(destination.open(KEY))).isEqualTo(existing);
    }

    @Test
    void serverSideCopyNeedsSameClient() {
        try (S3Client other = S3ProxyExtension.server().newClient();
                S3Storage elsewhere = TestStorages.builder(other, S3ProxyExtension.newBucketPrefix()).build()) {
            S3BlobStore destination = elsewhere.blobs(JP1);

            assertThat(blobs.canCopyServerSide(destination)).isFalse();
            assertThatThrownBy(() -> blobs.copyTo(KEY, destination, KEY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("same S3 client");
        }
    }

    @Test
    void streamOfReplacedBlobFails() throws IOException {
        byte[] first = randomBytes(3 * (int) MEBIBYTE + 10, 18);
        store.put(KEY, new ByteArrayInputStream(first), Optional.empty());

        try (InputStream stream = store.open(KEY)) {
            assertThat(stream.readNBytes(10)).isEqualTo(Arrays.copyOf(first, 10));
            store.delete(KEY);
            store.put(KEY, new ByteArrayInputStream(randomBytes(3 * (int) MEBIBYTE + 10, 19)), Optional.empty());

            assertThatThrownBy(stream::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("image-1.raw");
        }
    }

    private List<String> objectKeys() {
        return s3.listObjectsV2(request -> request.bucket(blobs.bucket())).contents().stream()
                .map(S3Object::key)
                .filter(key -> !key.startsWith(".s3proxy-"))
                .sorted()
                .toList();
    }

    private List<String> listUploads() {
        return s3.listMultipartUploads(request -> request.bucket(blobs.bucket())).uploads().stream()
                .map(upload -> upload.key())
                .toList();
    }
}
