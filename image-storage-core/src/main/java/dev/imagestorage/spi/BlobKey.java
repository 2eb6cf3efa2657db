package dev.imagestorage.spi;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.ImageId;
import java.util.regex.Pattern;

/**
 * Name of a blob inside one region's blob store: 1 to 128 ASCII letters, digits, '-', '_' and '.', starting with a
 * letter or digit, so that it is safe as a file name and as an object key.
 */
public record BlobKey(String value) implements Comparable<BlobKey> {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public BlobKey {
        requireNonNull(value, "value");
        if (!SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid blob key '" + value.replaceAll("[^\\x20-\\x7e]", "?")
                    + "' (" + value.length() + " characters): use 1 to 128 ASCII letters, digits, '-', '_' and '.', "
                    + "starting with a letter or digit");
        }
    }

    public static BlobKey of(String value) {
        return new BlobKey(value);
    }

    /** The key under which the bytes of {@code image} are stored. */
    public static BlobKey of(ImageId image) {
        return new BlobKey(image.value());
    }

    @Override
    public int compareTo(BlobKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
