package dev.imagestorage.examples;

import dev.imagestorage.model.DiskFormat;
import java.nio.file.Path;
import java.util.Optional;

/** The tour's command line. */
record TourOptions(Optional<Path> store, Optional<Tour.ImageSource> template, Optional<Tour.ImageSource> iso,
        boolean help) {

    /** Parses the arguments; throws {@link IllegalArgumentException} for an unknown option or a missing value. */
    static TourOptions parse(String[] args) {
        Optional<Path> store = Optional.empty();
        Optional<Tour.ImageSource> template = Optional.empty();
        Optional<Tour.ImageSource> iso = Optional.empty();
        boolean optionsEnded = false;
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
                return new TourOptions(store, template, iso, true);
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
        return new TourOptions(store, template, iso, false);
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
