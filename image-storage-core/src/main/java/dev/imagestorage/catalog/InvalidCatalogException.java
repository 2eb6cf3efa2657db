package dev.imagestorage.catalog;

import dev.imagestorage.ImageStorageException;

/** Thrown when a catalog document is not valid JSON or breaks a rule of the catalog schema. */
public class InvalidCatalogException extends ImageStorageException {
    private final String path;

    /**
     * @param path the JSON path of the offending value, such as {@code $.operatingSystems[0].licenseOffers}
     */
    public InvalidCatalogException(String path, String message) {
        super("invalid catalog at " + path + ": " + message);
        this.path = path;
    }

    public InvalidCatalogException(String path, String message, Throwable cause) {
        super("invalid catalog at " + path + ": " + message, cause);
        this.path = path;
    }

    /** The JSON path of the offending value. */
    public String path() {
        return path;
    }
}
