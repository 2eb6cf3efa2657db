package dev.imagestorage.spi;

import java.util.Optional;
import java.util.regex.Pattern;

/** Argument checks that every {@link BlobStore} makes the same way, so that all backends reject the same values. */
public final class BlobArguments {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private BlobArguments() {}

    /** Returns whether {@code value} is a SHA-256 in 64 lower-case hex digits. */
    public static boolean isSha256Hex(String value) {
        return SHA256_HEX.matcher(value).matches();
    }

    /**
     * Checks the expected SHA-256 of a put.
     *
     * @throws IllegalArgumentException when it is present but not 64 lower-case hex digits
     */
    public static void checkExpectedSha256(Optional<String> expectedSha256) {
        if (expectedSha256.isPresent() && !isSha256Hex(expectedSha256.get())) {
            throw new IllegalArgumentException("invalid expected SHA-256 '" + expectedSha256.get()
                    + "': expected 64 lower-case hex digits");
        }
    }

    /**
     * Checks the range of a ranged open.
     *
     * @throws IllegalArgumentException when {@code offset} or {@code length} is negative
     */
    public static void checkRange(long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("invalid offset " + offset + ": it must be 0 or more");
        }
        if (length < 0) {
            throw new IllegalArgumentException("invalid length " + length + ": it must be 0 or more");
        }
    }
}
