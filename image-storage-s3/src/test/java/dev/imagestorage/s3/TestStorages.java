package dev.imagestorage.s3;

import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds storages on the test run's S3Proxy with small parts, so that a few MiB make a multipart upload. */
final class TestStorages {
    static final long MEBIBYTE = 1024 * 1024;
    static final long PART_SIZE = 5 * MEBIBYTE;

    private TestStorages() {}

    /** Returns a builder for new buckets named after {@code bucketPrefix}, which it creates on demand. */
    static S3Storage.Builder builder(S3Client client, String bucketPrefix) {
        return S3Storage.builder()
                .client(client)
                .metadataBucket(bucketPrefix + "-metadata")
                .regionBucketPrefix(bucketPrefix)
                .partSize(PART_SIZE)
                .maxBlobSize(1024 * MEBIBYTE)
                .uploadConcurrency(3)
                .downloadChunkSize(MEBIBYTE)
                .downloadConcurrency(3)
                .createMissingBuckets();
    }

    /** Builds a storage on new buckets with the shared client. */
    static S3Storage newStorage() {
        return newStorage(UnaryOperator.identity());
    }

    /** Builds a storage on new buckets with the shared client, after {@code customize} changes the builder. */
    static S3Storage newStorage(UnaryOperator<S3Storage.Builder> customize) {
        return customize.apply(builder(S3ProxyExtension.client(), S3ProxyExtension.newBucketPrefix())).build();
    }
}
