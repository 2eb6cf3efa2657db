package dev.imagestorage.s3;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.imagestorage.ConflictException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.VersionedValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The {@link MetadataStore} of an {@link S3Storage}: one object per document in the metadata bucket. The version
 * token of a document is the ETag of its object.
 *
 * <p>The object key is the key prefix followed by the key's segments, each but the last with {@code .d} appended
 * and the last with {@code .meta} appended: {@code images/1234} is {@code images.d/1234.meta}. So no object key is
 * the folder of another, also when a document and its children both exist. S3 would not mind, but the file-based
 * stores of S3Proxy 4.1.0 keep objects as files and fail with 500 to store {@code a} and {@code a/b} at once.
 *
 * <p>An object contains a header line {@code imagestorage-metadata/1 <random UUID>} and then the document's bytes. The
 * UUID makes every write's bytes, and so its ETag, new, also when the same document is written again: without it a
 * version token would come back after a delete and a create of equal bytes.
 *
 * <p>Every write is a conditional PUT, which S3 applies atomically: {@code create} sends {@code If-None-Match: *},
 * {@code replace} sends {@code If-Match: <version>}. A delete first replaces the document with a tombstone, an
 * object with the header line {@code imagestorage-deleted/1 <random UUID>} and nothing else, by a PUT with
 * {@code If-Match: <version>}, and then deletes the tombstone with {@code If-Match} on the tombstone's ETag. So of
 * several deletes with one version exactly one returns true, although S3 (and S3Proxy 4.1.0) answers a conditional
 * DELETE of a missing key with success. A tombstone left by a failed second step reads as no document, lists as
 * none, and {@code create} replaces it.
 *
 * <p>{@code list} sends ListObjectsV2 with the prefix and follows the continuation tokens; it never lists the whole
 * bucket. Tombstones are shorter than any document, so the listing skips them by size without reading them.
 */
public final class S3MetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3MetadataStore.class);
    private static final String FOLDER_SUFFIX = ".d";
    private static final String DOCUMENT_SUFFIX = ".meta";
    private static final String DOCUMENT_MAGIC = "imagestorage-metadata/1 ";
    private static final String TOMBSTONE_MAGIC = "imagestorage-deleted/1 ";
    private static final int UUID_LENGTH = 36;
    private static final int DOCUMENT_HEADER_LENGTH = DOCUMENT_MAGIC.length() + UUID_LENGTH + 1;
    private static final int TOMBSTONE_LENGTH = TOMBSTONE_MAGIC.length() + UUID_LENGTH + 1;
    /** How often {@code create} retries when a tombstone under its key changes while it replaces it. */
    private static final int MAX_CREATE_ATTEMPTS = 10;

    private final S3Client client;
    private final String bucket;
    private final String keyPrefix;
    private final int listPageSize;

    S3MetadataStore(S3Client client, String bucket, String keyPrefix, int listPageSize) {
        this.client = requireNonNull(client, "client");
        this.bucket = requireNonNull(bucket, "bucket");
        this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix");
        this.listPageSize = listPageSize;
    }

    /** The bucket of the documents. */
    public String bucket() {
        return bucket;
    }

    /** Returns the object key of the document under {@code key}, such as {@code images.d/1234.meta}. */
    public String objectKey(MetadataKey key) {
        return folderOf(key.segments().subList(0, key.segments().size() - 1)) + key.name() + DOCUMENT_SUFFIX;
    }

    /** Returns the key prefix followed by {@code segment.d/} for each segment. */
    private String folderOf(List<String> segments) {
        StringBuilder folder = new StringBuilder(keyPrefix);
        for (String segment : segments) {
            folder.append(segment).append(FOLDER_SUFFIX).append('/');
        }
        return folder.toString();
    }

    @Override
    public Optional<VersionedValue> get(MetadataKey key) {
        requireNonNull(key, "key");
        return readStored(key).filter(stored -> !stored.tombstone())
                .map(stored -> new VersionedValue(stored.value(), stored.etag()));
    }

    @Override
    public String create(MetadataKey key, byte[] value) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        byte[] body = document(value);
        for (int attempt = 1; attempt <= MAX_CREATE_ATTEMPTS; attempt++) {
            try {
                return put(key, body, builder -> builder.ifNoneMatch("*"), "create");
            } catch (ConditionFailed e) {
                // Another object is there: a document, which makes this a conflict, or a tombstone to replace.
            }
            Optional<Stored> current = readStored(key);
            if (current.isEmpty()) {
                continue;
            }
            if (!current.get().tombstone()) {
                throw alreadyExists(key);
            }
            try {
                return put(key, body, builder -> builder.ifMatch(current.get().etag()), "create");
            } catch (ConditionFailed e) {
                LOG.debug("Tombstone of metadata document {} changed while it was replaced; attempt {} of {}", key,
                        attempt, MAX_CREATE_ATTEMPTS);
            }
        }
        throw new ConflictException(key.toString(), "metadata document '" + key + "' changed " + MAX_CREATE_ATTEMPTS
                + " times while it was being created; read it and retry");
    }

    @Override
    public String replace(MetadataKey key, byte[] value, String expectedVersion) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        requireNonNull(expectedVersion, "expectedVersion");
        try {
            return put(key, document(value), builder -> builder.ifMatch(expectedVersion), "replace");
        } catch (ConditionFailed e) {
            throw new ConflictException(key.toString(), "metadata document '" + key + "' is missing or no longer"
                    + " has version " + expectedVersion + "; read it again and retry");
        }
    }

    @Override
    public boolean delete(MetadataKey key, String expectedVersion) {
        requireNonNull(key, "key");
        requireNonNull(expectedVersion, "expectedVersion");
        String tombstoneEtag;
        try {
            tombstoneEtag = put(key, tombstone(), builder -> builder.ifMatch(expectedVersion), "delete");
        } catch (ConditionFailed e) {
            Optional<Stored> current = readStored(key);
            if (current.isEmpty() || current.get().tombstone()) {
                return false;
            }
            throw new ConflictException(key.toString(), "metadata document '" + key + "' has version "
                    + current.get().etag() + ", not " + expectedVersion + "; read it again and retry");
        }
        removeTombstone(key, tombstoneEtag);
        LOG.debug("Deleted metadata document {}", key);
        return true;
    }

    @Override
    public List<MetadataKey> list(MetadataKey prefix) {
        requireNonNull(prefix, "prefix");
        String objectPrefix = folderOf(prefix.segments());
        List<MetadataKey> keys = new ArrayList<>();
        Optional<String> continuation = Optional.empty();
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                    .bucket(bucket)
                    .prefix(objectPrefix)
                    .maxKeys(listPageSize);
            continuation.ifPresent(request::continuationToken);
            ListObjectsV2Response page;
            try {
                page = client.listObjectsV2(request.build());
            } catch (SdkException e) {
                throw new StorageIoException(prefix.toString(), "failed to list metadata documents under '" + prefix
                        + "' in bucket " + bucket + ": " + e.getMessage(), e);
            }
            for (S3Object object : page.contents()) {
                parseListedKey(object).ifPresent(keys::add);
            }
            continuation = Boolean.TRUE.equals(page.isTruncated())
                    ? Optional.ofNullable(page.nextContinuationToken())
                    : Optional.empty();
        } while (continuation.isPresent());
        keys.sort(null);
        return keys;
    }

    /** Returns the key of a listed document, or empty for a tombstone or an object of another layout. */
    private Optional<MetadataKey> parseListedKey(S3Object object) {
        if (object.size() == null || object.size() < DOCUMENT_HEADER_LENGTH) {
            return Optional.empty();
        }
        String[] parts = object.key().substring(keyPrefix.length()).split("/", -1);
        List<String> segments = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            String suffix = i == parts.length - 1 ? DOCUMENT_SUFFIX : FOLDER_SUFFIX;
            if (!parts[i].endsWith(suffix)) {
                LOG.debug("Skipped object {} in metadata bucket {}: not a metadata document", object.key(), bucket);
                return Optional.empty();
            }
            segments.add(parts[i].substring(0, parts[i].length() - suffix.length()));
        }
        try {
            return Optional.of(new MetadataKey(segments));
        } catch (IllegalArgumentException e) {
            LOG.debug("Skipped object {} in metadata bucket {}: not a metadata key", object.key(), bucket);
            return Optional.empty();
        }
    }

    /** Sends a PUT of {@code body} with the condition {@code condition} adds and returns the new ETag. */
    private String put(MetadataKey key, byte[] body, java.util.function.Consumer<PutObjectRequest.Builder> condition,
            String operation) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(objectKey(key))
                .contentType("application/octet-stream");
        condition.accept(request);
        try {
            return client.putObject(request.build(), RequestBody.fromBytes(body)).eTag();
        } catch (S3Exception e) {
            if (S3Errors.isConditionFailed(e) || S3Errors.isNotFound(e)) {
                throw new ConditionFailed();
            }
            throw ioFailure(key, operation, e);
        } catch (SdkException e) {
            throw ioFailure(key, operation, e);
        }
    }

    private void removeTombstone(MetadataKey key, String tombstoneEtag) {
        try {
            client.deleteObject(request -> request.bucket(bucket).key(objectKey(key)).ifMatch(tombstoneEtag));
        } catch (S3Exception e) {
            if (!S3Errors.isConditionFailed(e) && !S3Errors.isNotFound(e)) {
                LOG.warn("Failed to remove the tombstone of deleted metadata document {} in bucket {}; it reads as"
                        + " deleted and the next create replaces it", key, bucket, e);
            }
        } catch (SdkException e) {
            LOG.warn("Failed to remove the tombstone of deleted metadata document {} in bucket {}; it reads as"
                    + " deleted and the next create replaces it", key, bucket, e);
        }
    }

    private Optional<Stored> readStored(MetadataKey key) {
        ResponseBytes<GetObjectResponse> response;
        try {
            response = client.getObjectAsBytes(request -> request.bucket(bucket).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw ioFailure(key, "read", e);
        } catch (SdkException e) {
            throw ioFailure(key, "read", e);
        }
        return Optional.of(parse(key, response.asByteArray(), response.response().eTag()));
    }

    private Stored parse(MetadataKey key, byte[] body, String etag) {
        if (startsWith(body, TOMBSTONE_MAGIC) && body.length == TOMBSTONE_LENGTH) {
            return new Stored(new byte[0], etag, true);
        }
        if (startsWith(body, DOCUMENT_MAGIC) && body.length >= DOCUMENT_HEADER_LENGTH
                && body[DOCUMENT_HEADER_LENGTH - 1] == '\n') {
            return new Stored(Arrays.copyOfRange(body, DOCUMENT_HEADER_LENGTH, body.length), etag, false);
        }
        throw new StorageIoException(key.toString(), "invalid metadata document '" + key + "' at s3://" + bucket
                + "/" + objectKey(key) + ": it does not start with '" + DOCUMENT_MAGIC.trim()
                + "'; the object was not written by this store, so restore or delete it", null);
    }

    private static boolean startsWith(byte[] body, String magic) {
        byte[] expected = magic.getBytes(US_ASCII);
        return body.length >= expected.length && Arrays.equals(body, 0, expected.length, expected, 0, expected.length);
    }

    private static byte[] document(byte[] value) {
        byte[] header = (DOCUMENT_MAGIC + UUID.randomUUID() + "\n").getBytes(US_ASCII);
        byte[] body = Arrays.copyOf(header, header.length + value.length);
        System.arraycopy(value, 0, body, header.length, value.length);
        return body;
    }

    private static byte[] tombstone() {
        return (TOMBSTONE_MAGIC + UUID.randomUUID() + "\n").getBytes(US_ASCII);
    }

    private ConflictException alreadyExists(MetadataKey key) {
        return new ConflictException(key.toString(), "metadata document '" + key + "' already exists;"
                + " read it and replace it with its version instead");
    }

    private StorageIoException ioFailure(MetadataKey key, String operation, SdkException e) {
        return new StorageIoException(key.toString(), "failed to " + operation + " metadata document '" + key
                + "' at s3://" + bucket + "/" + objectKey(key) + ": " + e.getMessage(), e);
    }

    /** The bytes and ETag of a stored object, which is a document or a tombstone. */
    private record Stored(byte[] value, String etag, boolean tombstone) {}

    /** A conditional PUT lost: the object is missing or has another ETag. */
    private static final class ConditionFailed extends RuntimeException {
        ConditionFailed() {
            super(null, null, false, false);
        }
    }
}
