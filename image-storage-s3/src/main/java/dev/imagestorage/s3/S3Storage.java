package dev.imagestorage.s3;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.StorageBackend;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link StorageBackend} that keeps metadata documents and image bytes in S3 buckets, through an {@link S3Client}
 * that the caller builds and closes. The backend never builds a client of its own, so the caller decides the
 * endpoint, region, credentials and HTTP client.
 *
 * <p>Layout, where {@code P} is the optional key prefix (empty by default):
 *
 * <pre>
 * metadata bucket:
 *   P&lt;key&gt;                          one object per metadata document, for example P images/1234
 * bucket of each region:
 *   P&lt;blob key&gt;                     one object per complete blob; user metadata sha256 and upload-token
 *   P.sha256/&lt;blob key&gt;/&lt;token&gt;     the SHA-256 of a multipart blob put without an expected SHA-256
 * </pre>
 *
 * <p>The bucket of a region is {@code <prefix>-<region>}, with the region id in lower case and '_' replaced by '-',
 * unless {@link Builder#regionBuckets} or {@link Builder#regionBucket} name it. Two regions never share a bucket,
 * and no region uses the metadata bucket, because blob keys and metadata keys could collide there.
 *
 * <p>{@link S3MetadataStore} and {@link S3BlobStore} describe the object formats, the conditional writes and how
 * uploads and downloads are split into parts. {@link #close()} stops the threads that upload and download parts,
 * but does not close the S3 client. The storage is safe for use by many threads.
 */
public final class S3Storage implements StorageBackend {
    /** S3's smallest part size for every part but the last of a multipart upload: 5 MiB. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's largest part size and largest single PUT: 5 GiB. */
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    /** S3's largest number of parts in one multipart upload. */
    public static final int MAX_PARTS = 10_000;
    /** The largest image the SDK accepts by default: 4,096 GiB, the default image size limit of the catalog. */
    public static final long DEFAULT_MAX_BLOB_SIZE = 4096L * 1024 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
    private static final long MEBIBYTE = 1024 * 1024;
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final int MAX_KEY_PREFIX_LENGTH = 512;

    private final S3Client client;
    private final String metadataBucket;
    private final Map<RegionId, String> regionBucketOverrides;
    private final Optional<Function<RegionId, String>> regionBucketRule;
    private final TransferSettings settings;
    private final ExecutorService transfers;
    private final S3MetadataStore metadata;
    private final ConcurrentMap<RegionId, S3BlobStore> blobStores = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RegionId> regionOfBucket = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private S3Storage(Builder builder, TransferSettings settings) {
        this.client = builder.client;
        this.metadataBucket = builder.metadataBucket;
        this.regionBucketOverrides = Map.copyOf(builder.regionBucketOverrides);
        this.regionBucketRule = builder.regionBucketRule;
        this.settings = settings;
        this.transfers = Executors.newCachedThreadPool(new TransferThreads());
        this.metadata = new S3MetadataStore(client, metadataBucket, settings.keyPrefix(), builder.listPageSize);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public S3MetadataStore metadata() {
        checkOpen();
        return metadata;
    }

    /**
     * Returns the blob store of {@code region}. Its bucket must exist unless the builder was set to
     * {@link Builder#createMissingBuckets() create missing buckets}.
     *
     * @throws IllegalArgumentException when the naming rule gives an invalid bucket name, the metadata bucket, or
     *     the bucket of another region
     * @throws StorageIoException when creating a missing bucket fails
     */
    @Override
    public S3BlobStore blobs(RegionId region) {
        requireNonNull(region, "region");
        checkOpen();
        S3BlobStore existing = blobStores.get(region);
        if (existing != null) {
            return existing;
        }
        String bucket = bucketOf(region);
        RegionId owner = regionOfBucket.putIfAbsent(bucket, region);
        if (owner != null && !owner.equals(region)) {
            throw new IllegalArgumentException("bucket '" + bucket + "' of region " + region
                    + " is already the bucket of region " + owner
                    + "; give each region its own bucket so that their blobs stay apart");
        }
        return blobStores.computeIfAbsent(region, unused -> {
            if (settings.createMissingBuckets()) {
                createBucketIfMissing(client, bucket);
            }
            return new S3BlobStore(client, bucket, region, settings, transfers);
        });
    }

    /** Returns the bucket that contains the blobs of {@code region}, by the builder's naming rule. */
    public String bucketOf(RegionId region) {
        requireNonNull(region, "region");
        String bucket = regionBucketOverrides.get(region);
        if (bucket == null) {
            bucket = regionBucketRule.orElseThrow().apply(region);
            checkBucketName(bucket, "bucket of region " + region);
        }
        if (bucket.equals(metadataBucket)) {
            throw new IllegalArgumentException("bucket '" + bucket + "' of region " + region
                    + " is the metadata bucket; give blobs and metadata separate buckets");
        }
        return bucket;
    }

    /** Stops the transfer threads; the S3 client stays open because the caller owns it. Calling it twice is safe. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            transfers.shutdownNow();
            LOG.debug("Closed S3 storage with metadata bucket {}", metadataBucket);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("S3 storage with metadata bucket " + metadataBucket
                    + " is closed; build a new one with S3Storage.builder()");
        }
    }

    /** Creates {@code bucket} unless it exists; tolerates another process creating it at the same time. */
    static void createBucketIfMissing(S3Client client, String bucket) {
        try {
            client.headBucket(request -> request.bucket(bucket));
            return;
        } catch (NoSuchBucketException e) {
            LOG.info("Creating missing bucket {}", bucket);
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new StorageIoException(bucket, "failed to check bucket '" + bucket + "': " + e.getMessage(), e);
            }
            LOG.info("Creating missing bucket {}", bucket);
        } catch (SdkException e) {
            throw new StorageIoException(bucket, "failed to check bucket '" + bucket + "': " + e.getMessage(), e);
        }
        try {
            client.createBucket(request -> request.bucket(bucket));
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if (!"BucketAlreadyOwnedByYou".equals(code)) {
                throw new StorageIoException(bucket, "failed to create bucket '" + bucket + "': " + e.getMessage(), e);
            }
        } catch (SdkException e) {
            throw new StorageIoException(bucket, "failed to create bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    static void checkBucketName(String bucket, String role) {
        if (bucket == null || !BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("invalid " + role + " '" + bucket + "': an S3 bucket name has 3 to 63"
                    + " lower-case letters, digits, '.' and '-', and starts and ends with a letter or digit");
        }
    }

    /** Returns the default bucket name of {@code region}: {@code <prefix>-<region in lower case, '_' as '-'>}. */
    static String defaultBucketName(String prefix, RegionId region) {
        return prefix + "-" + region.value().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Builds an {@link S3Storage}; the client, the metadata bucket and a rule for region buckets are required. */
    public static final class Builder {
        private S3Client client;
        private String metadataBucket;
        private final Map<RegionId, String> regionBucketOverrides = new HashMap<>();
        private Optional<Function<RegionId, String>> regionBucketRule = Optional.empty();
        private String keyPrefix = "";
        private long maxBlobSize = DEFAULT_MAX_BLOB_SIZE;
        private Optional<Long> partSize = Optional.empty();
        private int uploadConcurrency = 4;
        private long downloadChunkSize = 8 * MEBIBYTE;
        private int downloadConcurrency = 4;
        private boolean createMissingBuckets;
        private Clock clock = Clock.systemUTC();
        private int listPageSize = 1000;

        private Builder() {}

        /** Sets the S3 client for every request. Required, and the storage never closes it. */
        public Builder client(S3Client value) {
            this.client = requireNonNull(value, "client");
            return this;
        }

        /** Sets the bucket of the metadata documents. Required. */
        public Builder metadataBucket(String value) {
            checkBucketName(value, "metadata bucket");
            this.metadataBucket = value;
            return this;
        }

        /** Names the bucket of each region {@code <prefix>-<region>}, such as {@code images-jp1} for JP1. */
        public Builder regionBucketPrefix(String prefix) {
            requireNonNull(prefix, "prefix");
            checkBucketName(defaultBucketName(prefix, RegionId.of("r1")), "region bucket prefix");
            this.regionBucketRule = Optional.of(region -> defaultBucketName(prefix, region));
            return this;
        }

        /** Names the bucket of each region by {@code rule}, in place of the default rule. */
        public Builder regionBuckets(Function<RegionId, String> rule) {
            this.regionBucketRule = Optional.of(requireNonNull(rule, "rule"));
            return this;
        }

        /** Names the bucket of {@code region}, before the rule is asked. */
        public Builder regionBucket(RegionId region, String bucket) {
            requireNonNull(region, "region");
            checkBucketName(bucket, "bucket of region " + region);
            regionBucketOverrides.put(region, bucket);
            return this;
        }

        /**
         * Sets a prefix for every object key the storage writes, in every bucket, such as {@code image-storage/}. Empty
         * by default. At most 512 characters, with no control characters and no leading '/'.
         */
        public Builder keyPrefix(String value) {
            requireNonNull(value, "keyPrefix");
            if (value.length() > MAX_KEY_PREFIX_LENGTH || value.startsWith("/")
                    || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("invalid key prefix '" + value.replaceAll("\\p{Cntrl}", "?")
                        + "': use at most " + MAX_KEY_PREFIX_LENGTH
                        + " characters, no control characters and no leading '/'");
            }
            this.keyPrefix = value;
            return this;
        }

        /**
         * Sets the largest blob a put accepts, in bytes; 4,096 GiB by default. The part size must be large enough that
         * such a blob fits in 10,000 parts.
         */
        public Builder maxBlobSize(long bytes) {
            this.maxBlobSize = bytes;
            return this;
        }

        /**
         * Sets the size of each part of a multipart upload, in bytes. A blob smaller than one part is stored with a
         * single PUT. By default it is the smallest whole number of MiB that fits the largest blob in 10,000
         * parts: 420 MiB for 4,096 GiB, because 4,096 GiB / 10,000 = 419.43 MiB. A put keeps at most
         * {@code uploadConcurrency} parts in memory.
         */
        public Builder partSize(long bytes) {
            this.partSize = Optional.of(bytes);
            return this;
        }

        /** Sets how many parts of one put are in memory and in flight at once; 4 by default. */
        public Builder uploadConcurrency(int value) {
            this.uploadConcurrency = value;
            return this;
        }

        /** Sets the size of each ranged GET of a download, in bytes; 8 MiB by default. */
        public Builder downloadChunkSize(long bytes) {
            this.downloadChunkSize = bytes;
            return this;
        }

        /** Sets how many ranged GETs of one open stream run ahead of the reader; 4 by default. */
        public Builder downloadConcurrency(int value) {
            this.downloadConcurrency = value;
            return this;
        }

        /**
         * Makes the storage create the metadata bucket on {@link #build()}, and the bucket of a region on the first
         * {@link S3Storage#blobs} call for it, when they are missing. By default missing buckets make each request
         * fail with {@link StorageIoException}.
         */
        public Builder createMissingBuckets() {
            this.createMissingBuckets = true;
            return this;
        }

        /** Sets the clock that {@link S3BlobStore#deleteUnfinishedUploads} measures upload ages with; UTC by default.
         */
        public Builder clock(Clock value) {
            this.clock = requireNonNull(value, "clock");
            return this;
        }

        /** Sets the page size of listings. It is package-private so that tests can page through a few objects. */
        Builder listPageSize(int value) {
            if (value < 1 || value > 1000) {
                throw new IllegalArgumentException("invalid list page size " + value + ": use 1 to 1000");
            }
            this.listPageSize = value;
            return this;
        }

        /**
         * Builds the storage, and creates the metadata bucket when {@link #createMissingBuckets()} was called.
         *
         * @throws IllegalStateException when the client, the metadata bucket or a rule for region buckets is missing
         * @throws IllegalArgumentException when a size or a concurrency is out of range
         */
        public S3Storage build() {
            if (client == null) {
                throw new IllegalStateException("no S3 client set: call client(...) with a client whose endpoint,"
                        + " region and credentials are set");
            }
            if (metadataBucket == null) {
                throw new IllegalStateException("no metadata bucket set: call metadataBucket(...)");
            }
            if (regionBucketRule.isEmpty() && regionBucketOverrides.isEmpty()) {
                throw new IllegalStateException("no region buckets set: call regionBucketPrefix(...),"
                        + " regionBuckets(...) or regionBucket(...)");
            }
            if (regionBucketRule.isEmpty()) {
                regionBucketRule = Optional.of(region -> {
                    throw new IllegalArgumentException("no bucket for region " + region + ": the storage has buckets"
                            + " for regions " + regionBucketOverrides.keySet() + " only");
                });
            }
            TransferSettings settings = transferSettings();
            if (createMissingBuckets) {
                createBucketIfMissing(client, metadataBucket);
            }
            LOG.debug("Built S3 storage: metadata bucket {}, key prefix '{}', {}", metadataBucket, keyPrefix,
                    settings);
            return new S3Storage(this, settings);
        }

        private TransferSettings transferSettings() {
            if (maxBlobSize < 1) {
                throw new IllegalArgumentException("invalid maximum blob size " + maxBlobSize
                        + ": it must be 1 byte or more");
            }
            long minimumPartSize = Math.max(MIN_PART_SIZE, ceilToMebibytes(ceilDiv(maxBlobSize, MAX_PARTS)));
            long parts = partSize.orElse(minimumPartSize);
            if (parts < MIN_PART_SIZE || parts > MAX_PART_SIZE) {
                throw new IllegalArgumentException("invalid part size " + parts + ": S3 accepts " + MIN_PART_SIZE
                        + " (5 MiB) to " + MAX_PART_SIZE + " (5 GiB) bytes");
            }
            if (ceilDiv(maxBlobSize, parts) > MAX_PARTS) {
                throw new IllegalArgumentException("invalid part size " + parts + ": a blob of the maximum size "
                        + maxBlobSize + " bytes would need more than " + MAX_PARTS + " parts; use a part size of at"
                        + " least " + minimumPartSize + " bytes or lower maxBlobSize");
            }
            if (uploadConcurrency < 1) {
                throw new IllegalArgumentException("invalid upload concurrency " + uploadConcurrency
                        + ": it must be 1 or more");
            }
            if (downloadConcurrency < 1) {
                throw new IllegalArgumentException("invalid download concurrency " + downloadConcurrency
                        + ": it must be 1 or more");
            }
            if (downloadChunkSize < 64 * 1024 || downloadChunkSize > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("invalid download chunk size " + downloadChunkSize
                        + ": use 65536 (64 KiB) to " + (Integer.MAX_VALUE - 8) + " bytes");
            }
            return new TransferSettings(keyPrefix, maxBlobSize, parts, uploadConcurrency, downloadChunkSize,
                    downloadConcurrency, createMissingBuckets, clock, listPageSize);
        }

        private static long ceilDiv(long dividend, long divisor) {
            return -Math.floorDiv(-dividend, divisor);
        }

        private static long ceilToMebibytes(long bytes) {
            return ceilDiv(bytes, MEBIBYTE) * MEBIBYTE;
        }
    }

    /** Daemon threads named {@code image-storage-s3-N}, so that a storage left open does not keep the JVM alive. */
    private static final class TransferThreads implements ThreadFactory {
        private static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "image-storage-s3-" + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
