package dev.imagestorage.service;

import dev.imagestorage.memory.InMemoryStorage;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.repository.MetadataImageRepository;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.MetadataKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every metadata document of an in-memory store with its version token, and the size and SHA-256 of every image's
 * blob in every region. Two snapshots are equal only when nothing was written in between, because every write gives
 * a document a new version token.
 *
 * @param documents each key with its version token and JSON text
 * @param blobs each region and image id with the blob's size and SHA-256, for images that have a blob
 */
record StoreSnapshot(Map<String, String> documents, Map<String, String> blobs) {
    /**
     * The top-level folders of the repository's key layout, as {@link MetadataImageRepository} documents it.
     * NOTE: a folder added to that layout must be added here too, or writes to it go unnoticed.
     */
    private static final List<String> FOLDERS = List.of(
            "contracts", "tenants", "contract-tenants", "images", "owner-images", "members", "member-images", "jobs",
            "tenant-jobs", "usage", "licenses", "attachments", "server-attachments", "baremetal-image",
            "baremetal-server");

    static StoreSnapshot of(InMemoryStorage storage, Iterable<RegionId> regions) {
        Map<String, String> documents = new TreeMap<>();
        for (String folder : FOLDERS) {
            for (MetadataKey key : storage.metadata().list(MetadataKey.of(folder))) {
                storage.metadata().get(key).ifPresent(value -> documents.put(key.toString(),
                        value.version() + " " + new String(value.value(), StandardCharsets.UTF_8)));
            }
        }
        Map<String, String> blobs = new TreeMap<>();
        List<Image> images = new MetadataImageRepository(storage.metadata()).listAllImages();
        for (RegionId region : regions) {
            for (Image image : images) {
                storage.blobs(region).stat(BlobKey.of(image.id())).ifPresent(info -> blobs.put(
                        region + "/" + image.id(), info.sizeBytes() + " " + info.sha256()));
            }
        }
        return new StoreSnapshot(documents, blobs);
    }

    /** The documents without their version tokens, equal also when a document was rewritten unchanged. */
    Map<String, String> contents() {
        Map<String, String> contents = new TreeMap<>();
        documents.forEach((key, value) -> contents.put(key, value.substring(value.indexOf(' ') + 1)));
        return contents;
    }
}
