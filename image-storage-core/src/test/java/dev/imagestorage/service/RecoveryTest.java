package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.StorageBackend;
import dev.imagestorage.spi.SupportsUnfinishedUploadCleanup;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Recovery ends uploads and copy jobs that stopped making progress, and leaves younger ones alone. */
class RecoveryTest {
    private static final Duration AGE = Duration.ofHours(1);
    private static final long WAIT_SECONDS = 10;

    private final ManualClock clock = new ManualClock();
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final ManualExecutor queue = new ManualExecutor();

    @AfterEach
    void stopThreads() throws InterruptedException {
        background.shutdownNow();
        assertThat(background.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private ServiceFixture fixture() {
        return new ServiceFixture(ServiceFixture.catalog(), queue, clock);
    }

    /** An upload running on a background thread, and the image it uploads to. */
    private record BlockedUpload(ImageId id, Future<Image> result) {}

    /** Starts an upload whose stream blocks after its last byte, and waits until the blob store is reading it. */
    private BlockedUpload blockedUpload(ServiceFixture fx, Caller caller, BlockingInputStream content)
            throws InterruptedException {
        Image queued = fx.service.register(caller, RegisterRequest.template("upload", DiskFormat.RAW).build());
        Future<Image> result = background.submit(() -> fx.service.upload(caller, queued.id(), content));
        content.awaitBlocked();
        assertThat(fx.repository().findImage(queued.id()).orElseThrow().status()).isEqualTo(ImageStatus.SAVING);
        return new BlockedUpload(queued.id(), result);
    }

    @Test
    void staleUploadKilledWithoutData() throws Exception {
        ServiceFixture fx = fixture();
        Caller acme = as(fx.acmeJp1);
        BlockingInputStream content = new BlockingInputStream(ServiceFixture.RAW);
        BlockedUpload upload = blockedUpload(fx, acme, content);
        ImageId id = upload.id();
        clock.advance(AGE.plusMinutes(1));

        RecoveryReport report = fx.service.recoverInterruptedWork(AGE);

        assertThat(report.killedImages()).containsExactly(id);
        assertThat(report.failedJobs()).isEmpty();
        assertThat(report.removedTemporaryUploads()).isEqualTo(1);
        assertThat(fx.service.image(acme, id).status()).isEqualTo(ImageStatus.KILLED);

        content.release();
        assertThatThrownBy(() -> upload.result().get(WAIT_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(RuntimeException.class);
        assertThat(fx.service.image(acme, id).status()).isEqualTo(ImageStatus.KILLED);
        assertThat(fx.storage.blobs(fx.acmeJp1.region()).stat(BlobKey.of(id))).isEmpty();
        assertThat(fx.storage.blobs(fx.acmeJp1.region()).unfinishedUploadCount()).isZero();
        assertThat(fx.service.usageReport(fx.acmeJp1.id()).lines().get(0).billedImages()).isEmpty();
        fx.assertNoOpenStreams();
    }

    @Test
    void youngUploadLeftAlone() throws Exception {
        ServiceFixture fx = fixture();
        Caller acme = as(fx.acmeJp1);
        BlockingInputStream content = new BlockingInputStream(ServiceFixture.RAW);
        BlockedUpload upload = blockedUpload(fx, acme, content);
        ImageId id = upload.id();
        clock.advance(AGE.minusMinutes(1));

        RecoveryReport report = fx.service.recoverInterruptedWork(AGE);

        assertThat(report.killedImages()).isEmpty();
        assertThat(report.removedTemporaryUploads()).isZero();
        assertThat(fx.service.image(acme, id).status()).isEqualTo(ImageStatus.SAVING);

        content.release();
        assertThat(upload.result().get(WAIT_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(fx.storage.blobs(fx.acmeJp1.region()).stat(BlobKey.of(id))).isPresent();
    }

    @Test
    void staleQueuedJobFailsWithoutData() {
        ServiceFixture fx = fixture();
        Caller acme = as(fx.acmeJp1, fx.acmeJp2);
        Image source = fx.activeTemplate(acme, "source");
        fx.activeTemplate(as(fx.acmeJp2), "own");
        CopyJob job = fx.service.copy(acme, CopyRequest.of(source.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());
        assertThat(job.status()).isEqualTo(CopyJobStatus.QUEUED);
        clock.advance(AGE.plusMinutes(1));

        RecoveryReport report = fx.service.recoverInterruptedWork(AGE);
        queue.runAll();

        assertThat(report.failedJobs()).containsExactly(job.id());
        assertThat(report.killedImages()).isEmpty();
        CopyJob failed = fx.service.job(acme, job.id());
        assertThat(failed.status()).isEqualTo(CopyJobStatus.FAILED);
        assertThat(failed.failure()).hasValueSatisfying(reason -> assertThat(reason).contains("interrupted"));
        assertDestinationGone(fx, job);
        assertThat(fx.hasBlob(source)).isTrue();
    }

    @Test
    void youngQueuedJobLeftAlone() {
        ServiceFixture fx = fixture();
        Caller acme = as(fx.acmeJp1, fx.acmeJp2);
        Image source = fx.activeTemplate(acme, "source");
        CopyJob job = fx.service.copy(acme, CopyRequest.of(source.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());
        clock.advance(AGE.minusMinutes(1));

        RecoveryReport report = fx.service.recoverInterruptedWork(AGE);

        assertThat(report.failedJobs()).isEmpty();
        assertThat(fx.service.job(acme, job.id()).status()).isEqualTo(CopyJobStatus.QUEUED);
        queue.runAll();
        assertThat(fx.service.job(acme, job.id()).status()).isEqualTo(CopyJobStatus.SUCCEEDED);
        assertThat(fx.storage.blobs(fx.acmeJp2.region()).stat(BlobKey.of(job.destination()))).isPresent();
    }

    @Test
    void staleRunningJobFailsWithoutData() throws Exception {
        GatedStorage[] gated = new GatedStorage[1];
        ServiceFixture fx = new ServiceFixture(ServiceFixture.catalog(), background, clock, storage -> {
            gated[0] = new GatedStorage(storage);
            return gated[0];
        });
        Caller acme = as(fx.acmeJp1, fx.acmeJp2);
        Image source = fx.activeTemplate(acme, "source");
        fx.activeTemplate(as(fx.acmeJp2), "own");
        gated[0].gateClosed.set(true);

        CopyJob job = fx.service.copy(acme, CopyRequest.of(source.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());
        assertThat(gated[0].readerWaiting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(fx.service.job(acme, job.id()).status()).isEqualTo(CopyJobStatus.RUNNING);
        clock.advance(AGE.plusMinutes(1));

        RecoveryReport report = fx.service.recoverInterruptedWork(AGE);

        assertThat(report.failedJobs()).containsExactly(job.id());
        assertThat(fx.service.job(acme, job.id()).status()).isEqualTo(CopyJobStatus.FAILED);
        assertDestinationGone(fx, job);

        gated[0].gateOpened.countDown();
        background.shutdown();
        assertThat(background.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(fx.service.job(acme, job.id()).status()).isEqualTo(CopyJobStatus.FAILED);
        assertDestinationGone(fx, job);
        assertThat(fx.storage.blobs(fx.acmeJp2.region()).unfinishedUploadCount()).isZero();
        fx.assertNoOpenStreams();
    }

    @Test
    void finishedWorkUntouched() {
        ServiceFixture fx = fixture();
        Caller acme = as(fx.acmeJp1, fx.acmeJp2);
        Image source = fx.activeTemplate(acme, "source");
        CopyJob job = fx.service.copy(acme, CopyRequest.of(source.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());
        queue.runAll();
        StoreSnapshot before = StoreSnapshot.of(fx.storage, fx.service.catalog().regions());
        clock.advance(Duration.ofDays(30));

        RecoveryReport report = fx.service.recoverInterruptedWork(AGE);

        assertThat(report.killedImages()).isEmpty();
        assertThat(report.failedJobs()).isEmpty();
        assertThat(StoreSnapshot.of(fx.storage, fx.service.catalog().regions())).isEqualTo(before);
        assertThat(fx.service.job(acme, job.id()).status()).isEqualTo(CopyJobStatus.SUCCEEDED);
    }

    @Test
    void negativeAgeRejected() {
        ServiceFixture fx = fixture();

        assertThatThrownBy(() -> fx.service.recoverInterruptedWork(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
    }

    /** Asserts that the copy's image is DELETED without data, and acme-jp2 counts only its own template. */
    private static void assertDestinationGone(ServiceFixture fx, CopyJob job) {
        RegionId region = fx.acmeJp2.region();
        assertThat(fx.repository().findImage(job.destination()).orElseThrow().status()).isEqualTo(ImageStatus.DELETED);
        assertThat(fx.storage.blobs(region).stat(BlobKey.of(job.destination()))).isEmpty();
        assertThat(fx.repository().usage(fx.acmeJp2.id()).count(Plan.TEMPLATE)).isEqualTo(1);
    }

    /** Returns its bytes, then blocks instead of reporting the end of the stream until {@link #release} is called. */
    static final class BlockingInputStream extends InputStream {
        private final byte[] bytes;
        private final CountDownLatch blocked = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private int position;

        BlockingInputStream(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        void awaitBlocked() throws InterruptedException {
            if (!blocked.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("no reader reached the end of the stream within " + WAIT_SECONDS + " s");
            }
        }

        void release() {
            released.countDown();
        }

        @Override
        public int read() throws IOException {
            byte[] single = new byte[1];
            return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position < bytes.length) {
                int n = Math.min(length, bytes.length - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
            blocked.countDown();
            try {
                if (!released.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("the test did not release the stream within " + WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while blocked", e);
            }
            return -1;
        }
    }

    /**
     * A backend whose blob streams, opened while {@link #gateClosed} is set, block on each read until
     * {@link #gateOpened} is counted down. It lets a test hold a copy job in the middle of reading its source.
     */
    static final class GatedStorage extends ForwardingStorage {
        final AtomicBoolean gateClosed = new AtomicBoolean();
        final CountDownLatch readerWaiting = new CountDownLatch(1);
        final CountDownLatch gateOpened = new CountDownLatch(1);

        GatedStorage(StorageBackend delegate) {
            super(delegate);
        }

        @Override
        BlobStore wrap(BlobStore blobs) {
            return new GatedBlobStore(blobs);
        }

        private final class GatedBlobStore extends ForwardingStorage.ForwardingBlobStore
                implements SupportsUnfinishedUploadCleanup {
            GatedBlobStore(BlobStore blobs) {
                super(blobs);
            }

            @Override
            public InputStream open(BlobKey key) {
                return gate(blobs.open(key));
            }

            @Override
            public InputStream open(BlobKey key, long offset, long length) {
                return gate(blobs.open(key, offset, length));
            }

            @Override
            public int deleteUnfinishedUploads(Duration minimumAge) {
                return ((SupportsUnfinishedUploadCleanup) blobs).deleteUnfinishedUploads(minimumAge);
            }

            private InputStream gate(InputStream in) {
                if (!gateClosed.get()) {
                    return in;
                }
                return new FilterInputStream(in) {
                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        readerWaiting.countDown();
                        try {
                            if (!gateOpened.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                                throw new IOException("the test did not open the gate within " + WAIT_SECONDS + " s");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted while waiting at the gate", e);
                        }
                        return super.read(buffer, offset, length);
                    }
                };
            }
        }
    }
}
