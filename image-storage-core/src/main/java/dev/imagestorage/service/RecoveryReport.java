package dev.imagestorage.service;

import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.JobId;
import java.util.List;

/**
 * What {@link ImageService#recoverInterruptedWork} cleaned up after a crash or a lost connection.
 *
 * @param killedImages uploads that stayed {@code SAVING} too long, now {@code KILLED} without data
 * @param failedJobs copy jobs that stayed {@code QUEUED} or {@code RUNNING} too long, now {@code FAILED} with their
 *     destination removed
 * @param removedTemporaryUploads partial uploads the blob stores removed
 */
public record RecoveryReport(List<ImageId> killedImages, List<JobId> failedJobs, int removedTemporaryUploads) {
    public RecoveryReport {
        killedImages = List.copyOf(killedImages);
        failedJobs = List.copyOf(failedJobs);
    }
}
