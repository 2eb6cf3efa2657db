package dev.imagestorage.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Key of a metadata document: a path of one or more segments, rendered with '/' between them.
 *
 * <p>Each segment has 1 to 128 ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit, so that a
 * key is safe as a relative file path and as an object key: no segment is empty, "." or "..", and none contains a
 * separator or a control character.
 */
public record MetadataKey(List<String> segments) implements Comparable<MetadataKey> {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    public static final int MAX_SEGMENT_LENGTH = 128;
    public static final int MAX_SEGMENTS = 8;

    public MetadataKey {
        requireNonNull(segments, "segments");
        if (segments.isEmpty() || segments.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException(
                    "invalid metadata key " + segments + ": it must have 1 to " + MAX_SEGMENTS + " segments");
        }
        for (String segment : segments) {
            checkSegment(segment);
        }
        segments = List.copyOf(segments);
    }

    public static MetadataKey of(String... segments) {
        return new MetadataKey(Arrays.asList(segments));
    }

    /** Parses a key rendered by {@link #toString()}, such as {@code images/1234}. */
    public static MetadataKey parse(String path) {
        requireNonNull(path, "path");
        return new MetadataKey(Arrays.asList(path.split("/", -1)));
    }

    /** Returns this key with {@code segment} appended. */
    public MetadataKey child(String segment) {
        List<String> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new MetadataKey(longer);
    }

    /** The last segment. */
    public String name() {
        return segments.get(segments.size() - 1);
    }

    /** Whether {@code prefix} equals this key or is one of its ancestors. */
    public boolean startsWith(MetadataKey prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    @Override
    public int compareTo(MetadataKey other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
        return String.join("/", segments);
    }

    private static void checkSegment(String segment) {
        if (segment == null) {
            throw new IllegalArgumentException("invalid metadata key: a segment is null");
        }
        if (segment.isEmpty() || segment.length() > MAX_SEGMENT_LENGTH || !SEGMENT.matcher(segment).matches()) {
            throw new IllegalArgumentException("invalid metadata key segment '" + escape(segment)
                    + "': use 1 to " + MAX_SEGMENT_LENGTH
                    + " ASCII letters, digits, '-', '_' and '.', starting with a letter or digit");
        }
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().limit(MAX_SEGMENT_LENGTH + 8).forEach(c -> {
            if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.append((char) c);
            }
        });
        if (value.length() > MAX_SEGMENT_LENGTH + 8) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
