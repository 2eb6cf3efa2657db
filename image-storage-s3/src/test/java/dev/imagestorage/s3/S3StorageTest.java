package dev.imagestorage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.StorageBackend;
import dev.imagestorage.testkit.StorageBackendContract;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(S3ProxyExtension.class)
class S3StorageTest extends StorageBackendContract {
    private static final RegionId JP1 = RegionId.of("JP1");
    private static final long MEBIBYTE = 1024 * 1024;

    private final S3Client s3 = S3ProxyExtension.client();

    @Override
    protected StorageBackend newBackend() {
        return TestStorages.newStorage();
    }

    private static S3Storage.Builder minimal() {
        return S3Storage.builder().client(S3ProxyExtension.client()).metadataBucket("images-metadata")
                .regionBucketPrefix("images");
    }

    @Test
    void defaultBucketNamesUseLowerCaseRegion() {
        S3Storage storage = minimal().build();

        assertThat(storage.bucketOf(JP1)).isEqualTo("images-jp1");
        assertThat(storage.bucketOf(RegionId.of("EU_West_2"))).isEqualTo("images-eu-west-2");
    }

    @Test
    void explicitBucketOverridesRule() {
        S3Storage storage = minimal().regionBucket(JP1, "tokyo-images").build();

        assertThat(storage.bucketOf(JP1)).isEqualTo("tokyo-images");
        assertThat(storage.bucketOf(RegionId.of("JP2"))).isEqualTo("images-jp2");
    }

    @Test
    void regionsSharingBucketRejected() {
        S3Storage storage = minimal().regionBuckets(region -> "shared-images").build();
        storage.blobs(JP1);

        assertThatThrownBy(() -> storage.blobs(RegionId.of("JP2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shared-images")
                .hasMessageContaining("JP1")
                .hasMessageContaining("JP2");
    }

    @Test
    void regionOnMetadataBucketRejected() {
        S3Storage storage = minimal().regionBucket(JP1, "images-metadata").build();

        assertThatThrownBy(() -> storage.blobs(JP1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("images-metadata")
                .hasMessageContaining("metadata bucket");
    }

    @Test
    void regionWithoutBucketRejected() {
        S3Storage storage = S3Storage.builder().client(s3).metadataBucket("images-metadata")
                .regionBucket(JP1, "tokyo-images").build();

        assertThatThrownBy(() -> storage.blobs(RegionId.of("JP2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no bucket for region JP2");
    }

    @Test
    void invalidSettingsRejected() {
        List.of(
                new Case(builder -> builder.partSize(5 * MEBIBYTE - 1), "invalid part size 5242879"),
                new Case(builder -> builder.partSize(6L * 1024 * MEBIBYTE), "invalid part size 6442450944"),
                new Case(builder -> builder.partSize(5 * MEBIBYTE).maxBlobSize(1024L * 1024 * MEBIBYTE),
                        "use a part size of at least 110100480"),
                new Case(builder -> builder.maxBlobSize(0), "invalid maximum blob size 0"),
                new Case(builder -> builder.uploadConcurrency(0), "invalid upload concurrency 0"),
                new Case(builder -> builder.downloadConcurrency(-1), "invalid download concurrency -1"),
                new Case(builder -> builder.downloadChunkSize(1000), "invalid download chunk size 1000"))
                .forEach(test -> assertThatThrownBy(() -> test.change().apply(minimal()).build())
                        .as(test.message())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(test.message()));
    }

    @Test
    void invalidNamesRejected() {
        assertThatThrownBy(() -> S3Storage.builder().metadataBucket("Images_Metadata"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Images_Metadata'");
        assertThatThrownBy(() -> S3Storage.builder().regionBucketPrefix("UPPER"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UPPER");
        assertThatThrownBy(() -> S3Storage.builder().keyPrefix("/leading"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/leading");
        assertThatThrownBy(() -> minimal().regionBuckets(region -> "Bad Name").build().blobs(JP1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Bad Name'");
    }

    @Test
    void missingSettingsRejected() {
        assertThatThrownBy(() -> S3Storage.builder().metadataBucket("m-bucket").regionBucketPrefix("p").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no S3 client");
        assertThatThrownBy(() -> S3Storage.builder().client(s3).regionBucketPrefix("p").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no metadata bucket");
        assertThatThrownBy(() -> S3Storage.builder().client(s3).metadataBucket("m-bucket").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no region buckets");
    }

    @Test
    void defaultPartSizeFitsMaxBlobIn10000Parts() {
        S3Storage storage = minimal().build();

        assertThat(storage.blobs(JP1).toString()).contains("images-jp1");
        assertThatThrownBy(() -> minimal().partSize(419 * MEBIBYTE).build())
                .hasMessageContaining("use a part size of at least " + 420 * MEBIBYTE);
    }

    @Test
    void blobsReturnsOneStorePerRegion() {
        assertThat(backend.blobs(JP1)).isSameAs(backend.blobs(JP1));
        assertThat(backend.blobs(JP1)).isNotSameAs(backend.blobs(RegionId.of("US1")));
    }

    @Test
    void closeKeepsClientOpen() {
        backend.close();

        assertThatThrownBy(() -> backend.metadata())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> backend.blobs(JP1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(s3.listBuckets().buckets()).isNotEmpty();
    }

    private record Case(UnaryOperator<S3Storage.Builder> change, String message) {}
}
