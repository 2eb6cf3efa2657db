package dev.imagestorage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.testkit.MetadataStoreContract;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

@ExtendWith(S3ProxyExtension.class)
class S3MetadataStoreTest extends MetadataStoreContract {
    private static final MetadataKey KEY = MetadataKey.parse("images/img-1");

    private final S3Client s3 = S3ProxyExtension.client();
    private S3Storage storage;

    /** Returns a store that lists 2 keys per page, so every listing of the contract follows continuation tokens. */
    @Override
    protected MetadataStore newStore() {
        storage = TestStorages.newStorage(builder -> builder.listPageSize(2));
        return storage.metadata();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Test
    void documentStoredAtDocumentedKey() {
        String version = store.create(KEY, bytes("{}"));

        ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(
                request -> request.bucket(storage.metadata().bucket()).key("images.d/img-1.meta"));
        assertThat(object.response().eTag()).isEqualTo(version);
        assertThat(object.asUtf8String()).matches("imagestorage-metadata/1 [0-9a-f-]{36}\n\\{}");
    }

    @Test
    void keyPrefixAppliesToDocuments() {
        S3Storage prefixed = TestStorages.newStorage(builder -> builder.keyPrefix("tenants/a/"));
        try (prefixed) {
            prefixed.metadata().create(KEY, bytes("one"));

            assertThat(s3.headObject(request -> request.bucket(prefixed.metadata().bucket())
                    .key("tenants/a/images.d/img-1.meta")).contentLength()).isPositive();
            assertThat(prefixed.metadata().list(MetadataKey.of("images"))).containsExactly(KEY);
        }
    }

    @Test
    void leftoverTombstoneReadsAsAbsent() {
        // A delete whose second step failed leaves a tombstone object behind.
        s3.putObject(request -> request.bucket(storage.metadata().bucket()).key("images.d/img-1.meta"),
                RequestBody.fromString("imagestorage-deleted/1 0b8c2a1e-1111-2222-3333-444455556666\n"));

        assertThat(store.get(KEY)).isEmpty();
        assertThat(store.list(MetadataKey.of("images"))).isEmpty();
        assertThat(store.delete(KEY, "\"any-version\"")).isFalse();

        String version = store.create(KEY, bytes("recreated"));

        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(version);
        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes("recreated"));
    }

    @Test
    void deleteRemovesObject() {
        String version = store.create(KEY, bytes("one"));

        store.delete(KEY, version);

        assertThat(s3.listObjectsV2(request -> request.bucket(storage.metadata().bucket())).contents()).isEmpty();
    }

    @Test
    void listPagesThroughManyKeys() {
        IntStream.range(0, 7).forEach(i -> store.create(MetadataKey.of("jobs", "job-" + i), bytes("job")));

        assertThat(store.list(MetadataKey.of("jobs"))).hasSize(7).isSorted();
    }

    @Test
    void foreignObjectReported() {
        s3.putObject(request -> request.bucket(storage.metadata().bucket()).key("images.d/img-1.meta"),
                RequestBody.fromString("{\"written\":\"by hand\"}"));

        assertThatThrownBy(() -> store.get(KEY))
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining("images/img-1")
                .hasMessageContaining("imagestorage-metadata/1");
    }

    @Test
    void missingBucketReportedWithKey() {
        S3Storage withoutBuckets = S3Storage.builder()
                .client(s3)
                .metadataBucket(S3ProxyExtension.newBucketPrefix() + "-missing")
                .regionBucketPrefix("unused")
                .build();

        assertThatThrownBy(() -> withoutBuckets.metadata().create(KEY, bytes("one")))
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining("images/img-1")
                .satisfies(e -> assertThat(((StorageIoException) e).key()).isEqualTo("images/img-1"));
        assertThatThrownBy(() -> withoutBuckets.metadata().list(MetadataKey.of("images")))
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining("images");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
