package dev.imagestorage.benchmarks;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.s3.S3BlobStore;
import dev.imagestorage.s3.S3ProxyServer;
import dev.imagestorage.s3.S3Storage;
import dev.imagestorage.spi.BlobKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads and downloads one file through the S3 backend and through {@code s3cmd}, against the same in-process
 * S3Proxy on 127.0.0.1, and prints the throughput of each in MiB/s. Both read the file from, and download it to, a
 * temporary folder. S3Proxy keeps its objects in files in the same folder, which the program deletes at the end.
 *
 * <p>Usage: {@code S3ThroughputBenchmark [SIZE_MIB [REPETITIONS]]}, 1024 MiB and 3 repetitions by default. It needs
 * {@code s3cmd} on the PATH. Each repetition uploads and downloads under a new key; the program prints every
 * measurement and the median of each of the four. The system properties {@code partMib} (64),
 * {@code uploadConcurrency} (2), {@code chunkMib} (32) and {@code downloadConcurrency} (2) set the backend's
 * transfer settings.
 */
public final class S3ThroughputBenchmark {
    private static final long MEBIBYTE = 1024 * 1024;
    private static final long PART_SIZE = Long.getLong("partMib", 64) * MEBIBYTE;
    private static final int UPLOAD_CONCURRENCY = Integer.getInteger("uploadConcurrency", 2);
    private static final long DOWNLOAD_CHUNK_SIZE = Long.getLong("chunkMib", 32) * MEBIBYTE;
    private static final int DOWNLOAD_CONCURRENCY = Integer.getInteger("downloadConcurrency", 2);
    private static final long S3CMD_TIMEOUT_MINUTES = 10;

    private S3ThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("image-storage-s3-benchmark-");
        try {
            run(work, sizeMib, repetitions);
        } finally {
            deleteRecursively(work);
        }
    }

    private static void run(Path work, long sizeMib, int repetitions) throws Exception {
        Path source = work.resolve("image.raw");
        writeRandomFile(source, sizeMib * MEBIBYTE);
        System.out.printf(Locale.ROOT, "file: %d MiB of random bytes in %s%n", sizeMib, work);
        System.out.printf(Locale.ROOT, "backend: part size %d MiB, upload concurrency %d, download chunk %d MiB,"
                + " download concurrency %d%n", PART_SIZE / MEBIBYTE, UPLOAD_CONCURRENCY,
                DOWNLOAD_CHUNK_SIZE / MEBIBYTE, DOWNLOAD_CONCURRENCY);

        Path objects = Files.createDirectory(work.resolve("objects"));
        try (S3ProxyServer server = S3ProxyServer.startOnDisk(objects);
                S3Client client = newClient(server);
                S3Storage storage = S3Storage.builder()
                        .client(client)
                        .metadataBucket("bench-metadata")
                        .regionBucketPrefix("bench")
                        .partSize(PART_SIZE)
                        .maxBlobSize(10_000 * PART_SIZE)
                        .uploadConcurrency(UPLOAD_CONCURRENCY)
                        .downloadChunkSize(DOWNLOAD_CHUNK_SIZE)
                        .downloadConcurrency(DOWNLOAD_CONCURRENCY)
                        .createMissingBuckets()
                        .build()) {
            S3BlobStore blobs = storage.blobs(RegionId.of("JP1"));
            Path s3cmdConfig = writeS3cmdConfig(work, server);
            warmUp(blobs, s3cmdConfig, "s3://" + blobs.bucket() + "/warm-up-s3cmd", work);

            List<Double> sdkUp = new ArrayList<>();
            List<Double> sdkDown = new ArrayList<>();
            List<Double> s3cmdUp = new ArrayList<>();
            List<Double> s3cmdDown = new ArrayList<>();
            for (int i = 1; i <= repetitions; i++) {
                BlobKey key = BlobKey.of("sdk-" + i);
                sdkUp.add(measure("backend upload", i, sizeMib, () -> {
                    try (InputStream in = Files.newInputStream(source)) {
                        blobs.put(key, in, Optional.empty());
                    }
                }));
                Path sdkCopy = work.resolve("sdk-download.raw");
                sdkDown.add(measure("backend download", i, sizeMib, () -> {
                    try (InputStream in = blobs.open(key); OutputStream out = Files.newOutputStream(sdkCopy)) {
                        in.transferTo(out);
                    }
                }));
                checkSame(source, sdkCopy);
                Files.delete(sdkCopy);

                String object = "s3://" + blobs.bucket() + "/s3cmd-" + i;
                Path s3cmdCopy = work.resolve("s3cmd-download.raw");
                s3cmdUp.add(measure("s3cmd upload", i, sizeMib,
                        () -> s3cmd(s3cmdConfig, "put", source.toString(), object)));
                s3cmdDown.add(measure("s3cmd download", i, sizeMib,
                        () -> s3cmd(s3cmdConfig, "get", "--force", object, s3cmdCopy.toString())));
                checkSame(source, s3cmdCopy);
                Files.delete(s3cmdCopy);
                blobs.delete(key);
                blobs.delete(BlobKey.of("s3cmd-" + i));
            }

            System.out.println();
            System.out.printf(Locale.ROOT, "median of %d: upload   backend %.1f MiB/s, s3cmd %.1f MiB/s, ratio %.2f%n",
                    repetitions, median(sdkUp), median(s3cmdUp), median(sdkUp) / median(s3cmdUp));
            System.out.printf(Locale.ROOT, "median of %d: download backend %.1f MiB/s, s3cmd %.1f MiB/s, ratio %.2f%n",
                    repetitions, median(sdkDown), median(s3cmdDown), median(sdkDown) / median(s3cmdDown));
        }
    }

    /**
     * Builds a client of the server with the AWS SDK's default signing and checksum settings.
     *
     * <p>NOTE: over plain HTTP the AWS SDK 2.59.1 signs every request body and ignores a request for
     * {@code UNSIGNED-PAYLOAD}. With its default chunked encoding it sends each part as
     * {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}, one signature per 128 KiB chunk, which costs one more SHA-256
     * pass on each side. s3cmd pays the same pass for the SHA-256 of each part in {@code x-amz-content-sha256}.
     * Over HTTPS with payload signing disabled the SDK sends {@code UNSIGNED-PAYLOAD} and no chunk signatures.
     */
    private static S3Client newClient(S3ProxyServer server) {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(S3ProxyServer.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .forcePathStyle(true)
                .build();
    }

    /**
     * Uploads and downloads 64 MiB through the backend and through s3cmd, so that the first measured run of
     * neither tool pays for warm-up, such as JIT compilation of the backend and of S3Proxy.
     */
    private static void warmUp(S3BlobStore blobs, Path s3cmdConfig, String s3cmdObject, Path work)
            throws IOException, InterruptedException {
        Path warmUp = work.resolve("warm-up.raw");
        writeRandomFile(warmUp, 64 * MEBIBYTE);
        BlobKey key = BlobKey.of("warm-up");
        try (InputStream in = Files.newInputStream(warmUp)) {
            blobs.put(key, in, Optional.empty());
        }
        try (InputStream in = blobs.open(key)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        blobs.delete(key);

        Path s3cmdCopy = work.resolve("warm-up-copy.raw");
        s3cmd(s3cmdConfig, "put", warmUp.toString(), s3cmdObject);
        s3cmd(s3cmdConfig, "get", "--force", s3cmdObject, s3cmdCopy.toString());
        s3cmd(s3cmdConfig, "del", s3cmdObject);
        Files.delete(s3cmdCopy);
        Files.delete(warmUp);
    }

    private static double measure(String what, int repetition, long sizeMib, Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = sizeMib / seconds;
        System.out.printf(Locale.ROOT, "run %d: %-16s %6.2f s  %7.1f MiB/s%n", repetition, what, seconds, rate);
        return rate;
    }

    private static void s3cmd(Path config, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("s3cmd", "-c", config.toString(), "--quiet"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(S3CMD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("s3cmd " + String.join(" ", arguments) + " timed out after "
                    + S3CMD_TIMEOUT_MINUTES + " minutes");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("s3cmd " + String.join(" ", arguments) + " failed with exit code "
                    + process.exitValue());
        }
    }

    /** Writes an s3cmd configuration for the server: path-style requests over HTTP with its credentials. */
    private static Path writeS3cmdConfig(Path work, S3ProxyServer server) throws IOException {
        String host = server.endpoint().getHost() + ":" + server.endpoint().getPort();
        return Files.write(work.resolve("s3cfg"), List.of(
                "[default]",
                "access_key = " + server.accessKey(),
                "secret_key = " + server.secretKey(),
                "host_base = " + host,
                "host_bucket = " + host,
                "use_https = False",
                "bucket_location = us-east-1"));
    }

    private static void writeRandomFile(Path file, long size) throws IOException {
        Random random = new Random(42);
        byte[] block = new byte[(int) MEBIBYTE];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    private static void checkSame(Path expected, Path actual) throws IOException {
        if (Files.mismatch(expected, actual) != -1) {
            throw new IllegalStateException(actual + " differs from " + expected);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** One timed step. */
    private interface Action {
        void run() throws Exception;
    }
}
