package dev.imagestorage.examples;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.s3.S3Storage;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.StorageBackend;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The tour's S3 store: an {@link S3Storage} on a client whose endpoint, region and static credentials all come from
 * the command line, so that no default reaches an AWS host or the instance metadata address. Closing it closes the
 * storage and the client.
 */
final class S3TourStorage implements StorageBackend {
    private final S3Client client;
    private final S3Storage storage;
    private final String description;

    private S3TourStorage(S3Client client, S3Storage storage, String description) {
        this.client = client;
        this.storage = storage;
        this.description = description;
    }

    /** Builds the client and the storage, creating the buckets that are missing. */
    static S3TourStorage open(TourOptions.S3Options options) {
        S3Client client = S3Client.builder()
                .endpointOverride(options.endpoint())
                .region(Region.of(options.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(options.accessKey(), options.secretKey())))
                .forcePathStyle(true)
                .build();
        try {
            S3Storage storage = S3Storage.builder()
                    .client(client)
                    .metadataBucket(options.bucketPrefix() + "-metadata")
                    .regionBucketPrefix(options.bucketPrefix())
                    .createMissingBuckets()
                    .build();
            return new S3TourStorage(client, storage, "S3 store at " + options.endpoint() + ", buckets "
                    + options.bucketPrefix() + "-metadata and " + options.bucketPrefix() + "-<region>");
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public MetadataStore metadata() {
        return storage.metadata();
    }

    @Override
    public BlobStore blobs(RegionId region) {
        return storage.blobs(region);
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            storage.close();
        } finally {
            client.close();
        }
    }
}
