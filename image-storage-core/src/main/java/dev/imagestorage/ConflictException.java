package dev.imagestorage;

/**
 * Thrown when a write conflicts with the stored state: the key already exists on create, or it changed since it
 * was read on a compare-and-set. Reading again and retrying is safe.
 */
public class ConflictException extends ImageStorageException {
    private final String key;

    public ConflictException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The metadata key or blob key that conflicted. */
    public String key() {
        return key;
    }
}
