package dev.imagestorage.bundle;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.ImageStorageException;
import dev.imagestorage.policy.Reason;

/**
 * Thrown when an image bundle is not acceptable: not a tar archive, a missing or invalid manifest, an unsafe or
 * unexpected entry, or a disk entry whose size differs from the manifest. No image is left behind.
 */
public class BundleRejectedException extends ImageStorageException {
    private final Reason reason;

    public BundleRejectedException(Reason reason) {
        this(reason, null);
    }

    public BundleRejectedException(Reason reason, Throwable cause) {
        super("bundle rejected: [" + requireNonNull(reason, "reason").code() + "] " + reason.message(), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
