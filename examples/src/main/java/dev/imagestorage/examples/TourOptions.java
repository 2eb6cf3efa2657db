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
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
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
                if (iso.isPresent()) {
                    throw new IllegalArgumentException("two ISO files given: " + iso.get().label() + " and " + arg);
                }
                iso = Optional.of(source);
            } else {
                if (template.isPresent()) {
                    throw new IllegalArgumentException(
                            "two template files given: " + template.get().label() + " and " + arg);
                }
                template = Optional.of(source);
            }
        }
        return new TourOptions(store, template, iso, false);
    }
}
