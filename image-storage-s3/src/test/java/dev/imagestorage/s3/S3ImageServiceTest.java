package dev.imagestorage.s3;

import static dev.imagestorage.s3.TestStorages.PART_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.service.ImageService;
import dev.imagestorage.spi.BlobKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/** The service on the S3 backend: the whole flow, a race for quota between two processes, and a failed upload. */
@ExtendWith(S3ProxyExtension.class)
class S3ImageServiceTest {
    private static final ContractId ACME = ContractId.of("acme");
    private static final TenantId ACME_JP1 = TenantId.of("acme-jp1");
    private static final TenantId ACME_JP2 = TenantId.of("acme-jp2");

    @Test
    void registerUploadCopyDownload() {
        try (S3Storage storage = TestStorages.newStorage()) {
            ImageService service = ImageService.builder().storage(storage).build();
            service.addContract(ACME);
            service.addTenant(ACME_JP1, ACME, RegionId.of("JP1"));
            service.addTenant(ACME_JP2, ACME, RegionId.of("JP2"));
            Caller caller = Caller.of(ACME_JP1, ACME_JP2);
            byte[] disk = rawDisk((int) (2 * PART_SIZE + 12_345));

            Image queued = service.register(caller, RegisterRequest.template("disk", DiskFormat.RAW).build());
            Image active = service.upload(caller, queued.id(), new ByteArrayInputStream(disk));
            CopyJob job = service.copy(caller, CopyRequest.of(active.id(), ACME_JP2).acknowledgingDataTransfer());
            ByteArrayOutputStream original = new ByteArrayOutputStream();
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            service.download(caller, active.id(), original);
            service.download(Caller.of(ACME_JP2), job.destination(), copy);

            assertThat(active.status()).isEqualTo(ImageStatus.ACTIVE);
            assertThat(active.sha256()).contains(Hashing.sha256().hashBytes(disk).toString());
            assertThat(job.status()).isEqualTo(CopyJobStatus.SUCCEEDED);
            assertThat(original.toByteArray()).isEqualTo(disk);
            assertThat(copy.toByteArray()).isEqualTo(disk);
            assertThat(storage.blobs(RegionId.of("JP2")).stat(BlobKey.of(job.destination())).orElseThrow().sha256())
                    .isEqualTo(active.sha256().orElseThrow());
        }
    }

    @Test
    void twoProcessesRaceForLastQuotaSlot() throws Exception {
        String buckets = S3ProxyExtension.newBucketPrefix();
        Catalog catalog = Catalog.defaults().withLimits(Limits.defaults().withMaxImagesPerPlanPerTenant(1));
        try (S3Client firstClient = S3ProxyExtension.server().newClient();
                S3Client secondClient = S3ProxyExtension.server().newClient();
                S3Storage first = TestStorages.builder(firstClient, buckets).build();
                S3Storage second = TestStorages.builder(secondClient, buckets).build()) {
            ImageService firstService = ImageService.builder().storage(first).catalog(catalog).build();
            ImageService secondService = ImageService.builder().storage(second).catalog(catalog).build();
            firstService.addContract(ACME);
            firstService.addTenant(ACME_JP1, ACME, RegionId.of("JP1"));
            Caller caller = Caller.of(ACME_JP1);

            List<Object> outcomes = race(
                    () -> firstService.register(caller, RegisterRequest.template("first", DiskFormat.RAW).build()),
                    () -> secondService.register(caller, RegisterRequest.template("second", DiskFormat.RAW).build()));

            assertThat(outcomes).filteredOn(Image.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(OperationDeniedException.class::isInstance).singleElement()
                    .satisfies(denied -> assertThat(((OperationDeniedException) denied).decision().codes())
                            .containsExactly(ReasonCode.QUOTA_IMAGES_PER_PLAN));
            assertThat(firstService.listImages(caller)).hasSize(1);
            assertThat(secondService.listImages(caller)).hasSize(1);
        }
    }

    @Test
    void uploadFailingAtPartTwoLeavesNothing() {
        try (S3Storage storage = TestStorages.newStorage()) {
            ImageService service = ImageService.builder().storage(storage).build();
            service.addContract(ACME);
            service.addTenant(ACME_JP1, ACME, RegionId.of("JP1"));
            Caller caller = Caller.of(ACME_JP1);
            Image queued = service.register(caller, RegisterRequest.template("disk", DiskFormat.RAW).build());
            InputStream failing = new FailingAfter(rawDisk((int) (3 * PART_SIZE)), PART_SIZE + 1000);

            assertThatThrownBy(() -> service.upload(caller, queued.id(), failing))
                    .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                            assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_READ_FAILED));

            S3Client s3 = S3ProxyExtension.client();
            String bucket = storage.bucketOf(RegionId.of("JP1"));
            assertThat(service.image(caller, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
            assertThat(s3.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
            assertThat(s3.listObjectsV2(request -> request.bucket(bucket)).contents())
                    .noneMatch(object -> object.key().equals(queued.id().value()));
        }
    }

    /** Runs both tasks at once and returns what each returned or threw, in order. */
    private static List<Object> race(Callable<?> first, Callable<?> second) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<?> task : List.of(first, second)) {
                futures.add(executor.submit(() -> {
                    start.await();
                    try {
                        return task.call();
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> future : futures) {
                outcomes.add(future.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            executor.shutdownNow();
        }
    }

    private static byte[] rawDisk(int size) {
        byte[] line = "raw disk block, no format signature here\n".getBytes(StandardCharsets.US_ASCII);
        byte[] disk = new byte[size];
        for (int i = 0; i < size; i++) {
            disk[i] = line[i % line.length];
        }
        return disk;
    }

    /** Returns the bytes of {@code data} until {@code failAfter} bytes were read, then throws an IOException. */
    private static final class FailingAfter extends InputStream {
        private final ByteArrayInputStream data;
        private long remaining;

        FailingAfter(byte[] data, long failAfter) {
            this.data = new ByteArrayInputStream(data);
            this.remaining = failAfter;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                throw new IOException("connection reset by peer");
            }
            int n = data.read(buffer, offset, (int) Math.min(length, remaining));
            remaining -= Math.max(n, 0);
            return n;
        }
    }
}
