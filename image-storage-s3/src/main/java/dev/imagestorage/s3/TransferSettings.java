package dev.imagestorage.s3;

import java.time.Clock;

/**
 * The checked settings of one {@link S3Storage}, shared by its stores.
 *
 * @param keyPrefix prefix of every object key
 * @param maxBlobSize largest blob a put accepts, in bytes
 * @param partSize size of every part but the last of a multipart upload, in bytes
 * @param uploadConcurrency parts of one put in memory and in flight at once
 * @param downloadChunkSize size of each ranged GET, in bytes
 * @param downloadConcurrency ranged GETs of one stream in flight at once
 * @param createMissingBuckets whether a store creates its bucket when it is missing
 * @param clock clock for the age of unfinished uploads
 * @param listPageSize keys per list request
 */
record TransferSettings(String keyPrefix, long maxBlobSize, long partSize, int uploadConcurrency,
        long downloadChunkSize, int downloadConcurrency, boolean createMissingBuckets, Clock clock,
        int listPageSize) {

    @Override
    public String toString() {
        return "part size " + partSize + " bytes, upload concurrency " + uploadConcurrency + ", download chunk size "
                + downloadChunkSize + " bytes, download concurrency " + downloadConcurrency + ", maximum blob size "
                + maxBlobSize + " bytes";
    }
}
