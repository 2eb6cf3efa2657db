package dev.imagestorage.fs;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resolves file names under one root folder. Every key, region id and temp file name becomes a path only through
 * {@link #resolve}, which checks each name itself instead of trusting the validation of the key types. A valid name
 * has 1 to 255 ASCII letters, digits, '.', '-' and '_', and is neither "." nor "..". That rules out separators,
 * absolute paths, drive letters, control characters and parent references. As a second defense, the normalized
 * result must still lie strictly under the root.
 */
final class SafePaths {
    /** Maximum length of one name, the limit of common filesystems such as ext4, XFS, APFS and NTFS. */
    static final int MAX_NAME_LENGTH = 255;

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_SHOWN_LENGTH = 64;

    private final Path root;

    /** Creates a resolver for {@code root}, which should be a real path so that the containment check is exact. */
    SafePaths(Path root) {
        this.root = requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /**
     * Returns the path of {@code names} under the root, each name being one folder level.
     *
     * @throws IllegalArgumentException when a name is invalid or the result would not lie under the root
     */
    Path resolve(String... names) {
        return resolve(List.of(names));
    }

    /** Returns the path of {@code names} under the root, as {@link #resolve(String...)} does. */
    Path resolve(List<String> names) {
        requireNonNull(names, "names");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no names given to resolve under storage root " + root);
        }
        Path path = root;
        for (String name : names) {
            checkName(name);
            path = path.resolve(name);
        }
        Path normalized = path.normalize();
        if (!normalized.startsWith(root) || normalized.equals(root)) {
            throw new IllegalArgumentException("invalid path " + path + ": it is not under storage root " + root);
        }
        return normalized;
    }

    private void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("invalid path name under storage root " + root + ": the name is null");
        }
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("invalid path name '" + printable(name) + "' (" + name.length()
                    + " characters) under storage root " + root + ": use 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid path name '" + name + "' under storage root " + root
                    + ": '.' and '..' refer to other folders");
        }
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid path name '" + printable(name) + "' under storage root " + root
                    + ": use only ASCII letters, digits, '.', '-' and '_', without separators or control characters");
        }
    }

    /** Renders control and non-ASCII characters as \\uXXXX and shortens long names, for error messages. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        int shownLength = Math.min(name.length(), MAX_SHOWN_LENGTH);
        for (int i = 0; i < shownLength; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (name.length() > shownLength) {
            out.append("...");
        }
        return out.toString();
    }
}
