package dev.imagestorage;

/** Root of every exception the SDK throws on purpose. All of them are unchecked. */
public class ImageStorageException extends RuntimeException {
    public ImageStorageException(String message) {
        super(message);
    }

    public ImageStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
