package dev.imagestorage;

/** Thrown when the bytes written do not have the SHA-256 the caller expected; nothing is stored. */
public class ChecksumMismatchException extends ImageStorageException {
    private final String key;
    private final String expectedSha256;
    private final String actualSha256;

    public ChecksumMismatchException(String key, String expectedSha256, String actualSha256) {
        super("SHA-256 mismatch for '" + key + "': expected " + expectedSha256 + " but the bytes received have "
                + actualSha256 + "; nothing was stored");
        this.key = key;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public String key() {
        return key;
    }

    public String expectedSha256() {
        return expectedSha256;
    }

    public String actualSha256() {
        return actualSha256;
    }
}
