package dev.imagestorage;

import static java.util.Objects.requireNonNull;

/** Thrown when a contract, tenant, image, membership, job, blob or metadata key does not exist. */
public class NotFoundException extends ImageStorageException {
    private final String kind;
    private final String id;

    /**
     * @param kind what was looked up, such as "image" or "tenant"
     * @param id the identifier that was not found
     */
    public NotFoundException(String kind, String id) {
        super(requireNonNull(kind, "kind") + " '" + requireNonNull(id, "id") + "' not found");
        this.kind = kind;
        this.id = id;
    }

    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
