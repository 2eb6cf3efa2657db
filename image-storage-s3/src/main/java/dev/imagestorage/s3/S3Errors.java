package dev.imagestorage.s3;

import software.amazon.awssdk.services.s3.model.S3Exception;

/** Classifies the error responses of S3 that the stores turn into results or SDK exceptions. */
final class S3Errors {
    private S3Errors() {}

    /**
     * Whether a conditional request lost: 412 for a failed {@code If-Match} or {@code If-None-Match}, or 409
     * {@code ConditionalRequestConflict}, which S3 returns when another conditional write to the key is in flight.
     */
    static boolean isConditionFailed(S3Exception e) {
        return e.statusCode() == 412 || (e.statusCode() == 409 && "ConditionalRequestConflict".equals(errorCode(e)));
    }

    /**
     * Whether the object, or the multipart upload, does not exist. A missing bucket is not such a case: it is a
     * failure of the storage's setup.
     */
    static boolean isNotFound(S3Exception e) {
        return e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e));
    }

    /** Whether a range starts at or after the end of the object. */
    static boolean isRangeNotSatisfiable(S3Exception e) {
        return e.statusCode() == 416;
    }

    static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? ""
                : e.awsErrorDetails().errorCode();
    }
}
