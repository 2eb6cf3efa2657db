package dev.imagestorage.format;

// Temporary compile stand-in, replaced by the real inspector before the first merge.
public final class FormatInspector {
    public static final int PREFIX_LENGTH = 64 * 1024;

    public static Inspection inspect(byte[] buffer, int length) {
        return new Inspection();
    }
}
