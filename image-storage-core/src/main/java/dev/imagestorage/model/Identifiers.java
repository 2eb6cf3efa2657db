package dev.imagestorage.model;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import java.util.regex.Pattern;

/** Validation shared by the identifier records, so that every identifier is safe in a path and an object key. */
final class Identifiers {
    /** Letters, digits, '-' and '_', starting with a letter or digit: never ".", "..", a separator or a control character. */
    static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    static final int MAX_LENGTH = 64;

    /**
     * Shares one String per distinct identifier value, so that comparing two equal identifiers, which the policy
     * engine does many times per decision, finds the same String and stops at the reference check.
     */
    private static final Interner<String> VALUES = Interners.newWeakInterner();

    private Identifiers() {}

    /** Validates {@code value} and returns the shared String for it. */
    static String check(String kind, String value) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " must not be null");
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "invalid " + kind + " '" + printable(value) + "': length " + value.length()
                            + " is outside 1 to " + MAX_LENGTH);
        }
        if (!SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "invalid " + kind + " '" + printable(value)
                            + "': use only ASCII letters, digits, '-' and '_', starting with a letter or digit");
        }
        return VALUES.intern(value);
    }

    /** Renders control and non-ASCII characters as \\uXXXX so that an error message shows the rejected value exactly. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
