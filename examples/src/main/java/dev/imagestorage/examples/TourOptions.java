package dev.imagestorage.examples;

import dev.imagestorage.model.DiskFormat;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tour's command line. */
record TourOptions(Optional<Path> store, Optional<Tour.ImageSource> template, Optional<Tour.ImageSource> iso,
        boolean help, Optional<S3Options> s3) {

    private static final List<String> S3_OPTIONS = List.of("--s3-endpoint", "--s3-region", "--s3-access-key",
            "--s3-secret-key", "--s3-bucket-prefix");

    /** The endpoint, region, credentials and bucket prefix of the S3 server the tour uses instead of the filesystem. */
    record S3Options(URI endpoint, String region, String accessKey, String secretKey, String bucketPrefix) {}

    TourOptions(Optional<Path> store, Optional<Tour.ImageSource> template, Optional<Tour.ImageSource> iso,
            boolean help) {
        this(store, template, iso, help, Optional.empty());
    }

    /** Parses the arguments; throws {@link IllegalArgumentException} for an unknown option or a missing value. */
    static TourOptions parse(String[] args) {
        Optional<Path> store = Optional.empty();
        Optional<Tour.ImageSource> template = Optional.empty();
        Optional<Tour.ImageSource> iso = Optional.empty();
        boolean optionsEnded = false;
        Map<String, String> s3 = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!optionsEnded && arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (optionsEnded) {
                Tour.ImageSource source = Tour.ImageSource.file(Path.of(arg));
                if (source.format() == DiskFormat.ISO) {
                    iso = add(iso, source, "ISO");
                } else {
                    template = add(template, source, "template");
                }
                continue;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                return new TourOptions(store, template, iso, true, Optional.empty());
            }
            if (arg.equals("--store")) {
                if (i + 1 >= args.length || args[i + 1].isBlank()) {
                    throw new IllegalArgumentException("missing folder after --store");
                }
                if (store.isPresent()) {
                    throw new IllegalArgumentException("--store given twice: " + store.get() + " and " + args[i + 1]);
                }
                store = Optional.of(Path.of(args[++i]));
                continue;
            }
            if (S3_OPTIONS.contains(arg)) {
                if (i + 1 >= args.length || args[i + 1].isBlank()) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                if (s3.putIfAbsent(arg, args[++i]) != null) {
                    throw new IllegalArgumentException(arg + " given twice");
                }
                continue;
            }
            if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            Tour.ImageSource source = Tour.ImageSource.file(Path.of(arg));
            if (source.format() == DiskFormat.ISO) {
                iso = add(iso, source, "ISO");
            } else {
                template = add(template, source, "template");
            }
        }
        Optional<S3Options> s3Options = s3Options(s3);
        if (s3Options.isPresent() && store.isPresent()) {
            throw new IllegalArgumentException("--store and --s3-endpoint exclude each other: choose one store");
        }
        return new TourOptions(store, template, iso, false, s3Options);
    }

    private static Optional<S3Options> s3Options(Map<String, String> values) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        for (String required : S3_OPTIONS.subList(0, 4)) {
            if (!values.containsKey(required)) {
                throw new IllegalArgumentException("missing " + required + ": the S3 store needs --s3-endpoint,"
                        + " --s3-region, --s3-access-key and --s3-secret-key");
            }
        }
        URI endpoint = URI.create(values.get("--s3-endpoint"));
        if (endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new IllegalArgumentException("invalid --s3-endpoint '" + endpoint
                    + "': use a URL such as http://127.0.0.1:9000");
        }
        return Optional.of(new S3Options(endpoint, values.get("--s3-region"), values.get("--s3-access-key"),
                values.get("--s3-secret-key"), values.getOrDefault("--s3-bucket-prefix", "image-storage-tour")));
    }

    private static Optional<Tour.ImageSource> add(
            Optional<Tour.ImageSource> current, Tour.ImageSource source, String kind) {
        if (current.isPresent()) {
            throw new IllegalArgumentException(
                    "two " + kind + " files given: " + current.get().label() + " and " + source.label());
        }
        return Optional.of(source);
    }
}
