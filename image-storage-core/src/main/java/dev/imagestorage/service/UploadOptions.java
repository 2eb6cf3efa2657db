package dev.imagestorage.service;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.UploadChannel;
import dev.imagestorage.spi.BlobArguments;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How an upload arrives and what it must match.
 *
 * @param expectedSha256 lower-case hex SHA-256 the content must have, when the caller knows it
 * @param declaredSizeBytes the size the caller announces, checked against the channel's limit before any byte is
 *     read and against the bytes that arrive. The limit is enforced while streaming whether or not a size is
 *     declared.
 */
public record UploadOptions(UploadChannel channel, Optional<String> expectedSha256, OptionalLong declaredSizeBytes) {
    public UploadOptions {
        requireNonNull(channel, "channel");
        requireNonNull(expectedSha256, "expectedSha256");
        requireNonNull(declaredSizeBytes, "declaredSizeBytes");
        if (declaredSizeBytes.isPresent() && declaredSizeBytes.getAsLong() < 0) {
            throw new IllegalArgumentException("invalid declared size " + declaredSizeBytes.getAsLong()
                    + " bytes: it must be 0 or more");
        }
        if (expectedSha256.isPresent() && !BlobArguments.isSha256Hex(expectedSha256.get())) {
            throw new IllegalArgumentException("invalid expected SHA-256 '" + expectedSha256.get()
                    + "': use 64 lower-case hex digits");
        }
    }

    /** Creates options for an upload through the API with nothing to match. */
    public static UploadOptions api() {
        return new UploadOptions(UploadChannel.API, Optional.empty(), OptionalLong.empty());
    }

    /** Creates options for an upload through the customer portal of {@code sizeBytes} bytes. */
    public static UploadOptions portal(long sizeBytes) {
        return new UploadOptions(UploadChannel.PORTAL, Optional.empty(), OptionalLong.of(sizeBytes));
    }

    public UploadOptions withExpectedSha256(String sha256) {
        return new UploadOptions(channel, Optional.of(sha256), declaredSizeBytes);
    }
}
