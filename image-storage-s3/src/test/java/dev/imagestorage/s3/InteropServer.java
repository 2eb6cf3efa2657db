package dev.imagestorage.s3;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The server side of {@code scripts/interop.sh}: starts S3Proxy on 127.0.0.1, uploads a file through
 * {@link S3Storage} as blob {@code interop-image} of region JP1, writes how to reach it to a properties file, and
 * serves until its standard input ends.
 *
 * <p>Usage: {@code InteropServer IMAGE_FILE INFO_FILE}. The info file gets the lines {@code endpoint},
 * {@code access_key}, {@code secret_key}, {@code bucket}, {@code key} and {@code sha256}, as {@code name=value}.
 */
public final class InteropServer {
    private InteropServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: InteropServer IMAGE_FILE INFO_FILE");
            System.exit(2);
        }
        Path image = Path.of(args[0]);
        Path info = Path.of(args[1]);
        try (S3ProxyServer server = S3ProxyServer.startInMemory();
                S3Client client = server.newClient();
                S3Storage storage = S3Storage.builder()
                        .client(client)
                        .metadataBucket("interop-metadata")
                        .regionBucketPrefix("interop")
                        .partSize(S3Storage.MIN_PART_SIZE)
                        .maxBlobSize(10_000 * S3Storage.MIN_PART_SIZE)
                        .createMissingBuckets()
                        .build()) {
            S3BlobStore blobs = storage.blobs(RegionId.of("JP1"));
            BlobKey key = BlobKey.of("interop-image");
            BlobInfo stored;
            try (InputStream content = Files.newInputStream(image)) {
                stored = blobs.put(key, content, Optional.empty());
            }
            Files.write(info, List.of(
                    "endpoint=" + server.endpoint(),
                    "access_key=" + server.accessKey(),
                    "secret_key=" + server.secretKey(),
                    "bucket=" + blobs.bucket(),
                    "key=" + blobs.objectKey(key),
                    "sha256=" + stored.sha256()));
            System.out.println("Uploaded " + image + " (" + stored.sizeBytes() + " bytes) to s3://" + blobs.bucket()
                    + "/" + blobs.objectKey(key) + " at " + server.endpoint());
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
