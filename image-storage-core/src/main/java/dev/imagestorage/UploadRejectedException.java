package dev.imagestorage;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.ImageId;
import dev.imagestorage.policy.Reason;

/**
 * Thrown when the bytes of an upload or a copy are not acceptable: wrong or unsafe format, over a size limit, a
 * checksum mismatch, or a stream that failed. The image is {@code KILLED} and none of its data is kept.
 */
public class UploadRejectedException extends ImageStorageException {
    private final ImageId image;
    private final Reason reason;

    public UploadRejectedException(ImageId image, Reason reason) {
        this(image, reason, null);
    }

    public UploadRejectedException(ImageId image, Reason reason, Throwable cause) {
        super("upload of image " + requireNonNull(image, "image") + " rejected: [" + requireNonNull(reason, "reason").code()
                + "] " + reason.message(), cause);
        this.image = image;
        this.reason = reason;
    }

    public ImageId image() {
        return image;
    }

    public Reason reason() {
        return reason;
    }
}
