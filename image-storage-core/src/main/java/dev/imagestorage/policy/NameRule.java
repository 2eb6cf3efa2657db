package dev.imagestorage.policy;

/**
 * The image name rule: 1 to 255 characters, each a printable one-byte ASCII character from '!' (0x21) to '~' (0x7E).
 * So no space, no control character and nothing outside ASCII.
 */
final class NameRule {
    static final int MAX_LENGTH = 255;
    static final int MAX_TAGS = 128;
    private static final char FIRST_ALLOWED = '!';
    private static final char LAST_ALLOWED = '~';

    private NameRule() {}

    static void check(String name, Evaluation reasons) {
        int length = name.codePointCount(0, name.length());
        if (length == 0 || length > MAX_LENGTH) {
            reasons.deny(ReasonCode.NAME_LENGTH, "name has " + length + " characters; it must have 1 to " + MAX_LENGTH);
        }

        int position = 1;
        for (int i = 0; i < name.length(); position++) {
            int codePoint = name.codePointAt(i);
            if (codePoint < FIRST_ALLOWED || codePoint > LAST_ALLOWED) {
                reasons.deny(ReasonCode.NAME_CHARACTER,
                        "name '" + printable(name) + "' has " + describe(codePoint) + " at position " + position
                                + "; each character must be a printable ASCII character from '!' (0x21) to '~'"
                                + " (0x7E), so no space, control character or non-ASCII character");
                return;
            }
            i += Character.charCount(codePoint);
        }
    }

    /** Checks the tags: at most {@link #MAX_TAGS}, each of 1 to 255 characters with no control character. */
    static void checkTags(java.util.Set<String> tags, Evaluation reasons) {
        if (tags.size() > MAX_TAGS) {
            reasons.deny(ReasonCode.TAG_COUNT, tags.size() + " tags given; an image has at most " + MAX_TAGS);
        }
        for (String tag : tags) {
            int length = tag.codePointCount(0, tag.length());
            boolean control = tag.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f);
            if (length == 0 || length > MAX_LENGTH || control) {
                reasons.deny(ReasonCode.TAG_INVALID, "tag '" + printable(tag) + "' has " + length + " characters"
                        + (control ? " and a control character" : "") + "; a tag has 1 to " + MAX_LENGTH
                        + " characters and no control character");
                return;
            }
        }
    }

    /** Describes a code point by its number and, for the common cases, its name. */
    static String describe(int codePoint) {
        String number = String.format("U+%04X", codePoint);
        return switch (codePoint) {
            case ' ' -> "a space (" + number + ")";
            case '\t' -> "a tab (" + number + ")";
            case '\n', '\r' -> "a line break (" + number + ")";
            case 0 -> "a NUL character (" + number + ")";
            default -> {
                if (codePoint < 0x20 || codePoint == 0x7f) {
                    yield "a control character (" + number + ")";
                }
                yield "the non-ASCII character '" + new String(Character.toChars(codePoint)) + "' (" + number + ")";
            }
        };
    }

    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (name.codePointCount(0, name.length()) > 80) {
            out.append("...");
        }
        return out.toString();
    }
}
