package dev.imagestorage;

/** Thrown when a storage backend fails to read or write, with the I/O failure as its cause. */
public class StorageIoException extends ImageStorageException {
    private final String key;

    public StorageIoException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The metadata key, blob key or path the failed operation was working on. */
    public String key() {
        return key;
    }
}
