package dev.imagestorage.benchmarks;

import com.github.luben.zstd.ZstdOutputStream;
import dev.imagestorage.format.CompressedContent;
import dev.imagestorage.format.CompressedContent.Compression;
import dev.imagestorage.format.FormatInspector;
import dev.imagestorage.fs.FileSystemStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.service.ImageService;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Measures what format inspection and decompression add to an upload on the filesystem store.
 *
 * <ol>
 *   <li>Stores the same incompressible file through {@link ImageService#upload} (inspection, size limit, SHA-256,
 *       put) and straight through {@link BlobStore#put} (SHA-256 and put, no inspection), alternating, and reports
 *       the median of each.
 *   <li>Times {@link FormatInspector#inspect} on a 64 KiB prefix directly and relates it to the median put.
 *   <li>Compresses a disk-like buffer (zero blocks, text and random bytes) with gzip, xz and zstd and reports the
 *       decompression throughput of {@link CompressedContent} in MiB of output per second.
 * </ol>
 *
 * <p>Run it from the shaded jar: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.imagestorage.benchmarks.IngestBenchmark [--size-mib N] [--runs N] [--disk-mib N] [--dir DIR]}. Every file it
 * writes goes to a new folder under DIR (the system temporary folder by default), which it deletes at the end.
 */
public final class IngestBenchmark {
    private static final int MIB = 1 << 20;

    private final long sizeMib;
    private final int runs;
    private final int diskMib;
    private final Path work;

    private IngestBenchmark(long sizeMib, int runs, int diskMib, Path work) {
        this.sizeMib = sizeMib;
        this.runs = runs;
        this.diskMib = diskMib;
        this.work = work;
    }

    public static void main(String[] args) throws IOException {
        long sizeMib = 1024;
        int runs = 5;
        int diskMib = 256;
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--disk-mib" -> diskMib = Integer.parseInt(args[++i]);
                case "--dir" -> parent = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option '" + args[i]
                        + "': expected --size-mib N, --runs N, --disk-mib N or --dir DIR");
            }
        }
        Path work = Files.createTempDirectory(parent, "ingest-benchmark-");
        try {
            new IngestBenchmark(sizeMib, runs, diskMib, work).run();
        } finally {
            deleteRecursively(work);
        }
    }

    private void run() throws IOException {
        System.out.printf(Locale.ROOT, "java %s, %d processors, max heap %d MiB, work folder %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / MIB, work);
        Path input = work.resolve("input.raw");
        writeIncompressible(input, sizeMib * MIB);

        double medianPut = uploadVersusPut(input);
        inspectorShare(input, medianPut);
        decompressionThroughput();
    }

    /** Returns the median seconds of a plain put, after printing both medians and the difference. */
    private double uploadVersusPut(Path input) throws IOException {
        try (FileSystemStorage storage = FileSystemStorage.open(work.resolve("store"))) {
            ImageService service = ImageService.builder().storage(storage).build();
            service.addContract(ContractId.of("bench"));
            service.addTenant(TenantId.of("bench-jp1"), ContractId.of("bench"), RegionId.of("JP1"));
            Caller caller = Caller.of(TenantId.of("bench-jp1"));
            BlobStore blobs = storage.blobs(RegionId.of("JP1"));

            // One unmeasured round of each warms up the JIT and the page cache.
            timePut(blobs, input);
            timeUpload(service, caller, input);
            List<Double> puts = new ArrayList<>();
            List<Double> uploads = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                if (run % 2 == 0) {
                    puts.add(timePut(blobs, input));
                    uploads.add(timeUpload(service, caller, input));
                } else {
                    uploads.add(timeUpload(service, caller, input));
                    puts.add(timePut(blobs, input));
                }
            }
            double put = median(puts);
            double upload = median(uploads);
            System.out.printf(Locale.ROOT, "put of %d MiB, no inspection:   median %.3f s (%.0f MiB/s), runs %s%n",
                    sizeMib, put, sizeMib / put, format(puts));
            System.out.printf(Locale.ROOT, "upload of %d MiB, inspected:    median %.3f s (%.0f MiB/s), runs %s%n",
                    sizeMib, upload, sizeMib / upload, format(uploads));
            System.out.printf(Locale.ROOT, "upload minus put: %+.3f s, %+.2f%% of the put%n", upload - put,
                    100 * (upload - put) / put);
            return put;
        }
    }

    private static double timePut(BlobStore blobs, Path input) throws IOException {
        BlobKey key = BlobKey.of(ImageId.random());
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(input)) {
            blobs.put(key, in, Optional.empty());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        blobs.delete(key);
        return seconds;
    }

    private static double timeUpload(ImageService service, Caller caller, Path input) throws IOException {
        Image image = service.register(caller, RegisterRequest.template("bench", DiskFormat.RAW).build());
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(input)) {
            service.upload(caller, image.id(), in);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        service.delete(caller, image.id());
        return seconds;
    }

    private static void inspectorShare(Path input, double medianPut) throws IOException {
        byte[] prefix = new byte[FormatInspector.PREFIX_LENGTH];
        try (InputStream in = Files.newInputStream(input)) {
            in.readNBytes(prefix, 0, prefix.length);
        }
        int iterations = 200_000;
        long checksum = 0;
        for (int i = 0; i < iterations; i++) {
            checksum += FormatInspector.inspect(prefix, prefix.length).problems().size();
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            checksum += FormatInspector.inspect(prefix, prefix.length).problems().size();
        }
        double nanosPerInspection = (System.nanoTime() - start) / (double) iterations;
        System.out.printf(Locale.ROOT, "FormatInspector.inspect on 64 KiB: %.0f ns per call, %.6f%% of the median"
                + " put (problems counted: %d)%n", nanosPerInspection, 100 * nanosPerInspection / 1e9 / medianPut,
                checksum);
    }

    private void decompressionThroughput() throws IOException {
        byte[] disk = diskLike(diskMib * MIB);
        System.out.printf(Locale.ROOT, "decompression of a %d MiB disk-like buffer (1/2 zero blocks, 1/4 text,"
                + " 1/4 random):%n", diskMib);
        for (Compression compression : List.of(Compression.GZIP, Compression.XZ, Compression.ZSTD)) {
            Path compressed = work.resolve("disk." + compression.label());
            long compressStart = System.nanoTime();
            try (OutputStream out = compressor(compression, Files.newOutputStream(compressed))) {
                out.write(disk);
            }
            double compressSeconds = (System.nanoTime() - compressStart) / 1e9;

            List<Double> seconds = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                long start = System.nanoTime();
                long bytes;
                try (InputStream in = CompressedContent.decompress(compression,
                        new BufferedInputStream(Files.newInputStream(compressed), 1 << 16))) {
                    bytes = in.transferTo(OutputStream.nullOutputStream());
                }
                seconds.add((System.nanoTime() - start) / 1e9);
                if (bytes != disk.length) {
                    throw new IllegalStateException(compression.label() + " decompressed " + bytes
                            + " bytes, expected " + disk.length);
                }
            }
            double median = median(seconds);
            System.out.printf(Locale.ROOT, "  %-5s %s: compressed to %d MiB in %.1f s; decompression median %.3f s,"
                    + " %.0f MiB/s of output%n", compression.label(), compressorSettings(compression),
                    Files.size(compressed) / MIB, compressSeconds, median, diskMib / median);
            Files.delete(compressed);
        }
    }

    private static OutputStream compressor(Compression compression, OutputStream out) throws IOException {
        return switch (compression) {
            case GZIP -> new GZIPOutputStream(out, 1 << 16);
            case XZ -> new XZOutputStream(out, new LZMA2Options(3));
            case ZSTD -> new ZstdOutputStream(out, 3);
            case BZIP2 -> throw new IllegalArgumentException("bzip2 is not measured");
        };
    }

    private static String compressorSettings(Compression compression) {
        return switch (compression) {
            case GZIP -> "(java.util.zip, level 6)";
            case XZ -> "(XZ for Java, preset 3)";
            case ZSTD -> "(zstd-jni, level 3)";
            case BZIP2 -> "";
        };
    }

    /** Writes {@code size} pseudo-random bytes, which no compressor shrinks, in 1 MiB blocks. */
    private static void writeIncompressible(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    /** Returns {@code size} bytes in 64 KiB blocks: half zero blocks, a quarter text and a quarter random. */
    private static byte[] diskLike(int size) {
        SplittableRandom random = new SplittableRandom(7);
        byte[] disk = new byte[size];
        byte[] text = ("Image Storage SDK benchmark disk: a line of text as a file system would hold it.\n")
                .repeat(1024).getBytes(StandardCharsets.US_ASCII);
        byte[] noise = new byte[1 << 16];
        for (int offset = 0; offset < size; offset += 1 << 16) {
            int kind = random.nextInt(4);
            int length = Math.min(1 << 16, size - offset);
            if (kind == 2) {
                System.arraycopy(text, 0, disk, offset, length);
            } else if (kind == 3) {
                random.nextBytes(noise);
                System.arraycopy(noise, 0, disk, offset, length);
            }
        }
        return disk;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String format(List<Double> seconds) {
        return Arrays.toString(seconds.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toArray());
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
