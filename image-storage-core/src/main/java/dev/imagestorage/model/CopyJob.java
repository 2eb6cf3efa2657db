package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A copy of one image into another tenant's storage.
 *
 * @param bytesDone bytes copied so far, from 0 to {@code bytesTotal}
 * @param failure why the job failed, present only when the status is {@link CopyJobStatus#FAILED}
 */
public record CopyJob(
        JobId id,
        ImageId source,
        TenantId sourceTenant,
        ImageId destination,
        TenantId destinationTenant,
        TenantId requestedBy,
        CopyJobStatus status,
        long bytesDone,
        long bytesTotal,
        Optional<String> failure,
        Instant createdAt,
        Instant updatedAt) {

    public CopyJob {
        requireNonNull(id, "id");
        requireNonNull(source, "source");
        requireNonNull(sourceTenant, "sourceTenant");
        requireNonNull(destination, "destination");
        requireNonNull(destinationTenant, "destinationTenant");
        requireNonNull(requestedBy, "requestedBy");
        requireNonNull(status, "status");
        requireNonNull(failure, "failure");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
        if (bytesTotal < 0 || bytesDone < 0 || bytesDone > bytesTotal) {
            throw new IllegalArgumentException(
                    "invalid copy job progress: bytesDone " + bytesDone + " must be between 0 and bytesTotal " + bytesTotal);
        }
    }

    /** Progress in percent, from 0 to 100; a job with nothing to copy is at 100 once it succeeded. */
    public int percentDone() {
        if (bytesTotal == 0) {
            return status == CopyJobStatus.SUCCEEDED ? 100 : 0;
        }
        return (int) (bytesDone * 100 / bytesTotal);
    }

    public CopyJob withStatus(CopyJobStatus newStatus, Instant at) {
        return new CopyJob(id, source, sourceTenant, destination, destinationTenant, requestedBy, newStatus,
                bytesDone, bytesTotal, failure, createdAt, at);
    }

    public CopyJob withProgress(long done, Instant at) {
        return new CopyJob(id, source, sourceTenant, destination, destinationTenant, requestedBy, status,
                done, bytesTotal, failure, createdAt, at);
    }

    public CopyJob withFailure(String reason, Instant at) {
        return new CopyJob(id, source, sourceTenant, destination, destinationTenant, requestedBy,
                CopyJobStatus.FAILED, bytesDone, bytesTotal, Optional.of(reason), createdAt, at);
    }
}
