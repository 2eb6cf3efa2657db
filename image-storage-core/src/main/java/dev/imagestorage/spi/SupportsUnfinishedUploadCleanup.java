package dev.imagestorage.spi;

import java.time.Duration;

/** A blob store that can find and remove the remains of uploads that never finished, for example after a crash. */
public interface SupportsUnfinishedUploadCleanup {
    /**
     * Removes the data of unfinished uploads that started more than {@code minimumAge} ago. Uploads in progress
     * that are younger are left alone.
     *
     * @return how many unfinished uploads were removed
     */
    int deleteUnfinishedUploads(Duration minimumAge);
}
