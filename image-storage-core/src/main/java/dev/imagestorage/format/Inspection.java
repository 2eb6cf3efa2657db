package dev.imagestorage.format;

// Temporary compile stand-in, replaced by the real inspector before the first merge.
public record Inspection() {
    public java.util.Optional<dev.imagestorage.policy.Reason> rejectionFor(dev.imagestorage.model.DiskFormat declared) {
        return java.util.Optional.empty();
    }
}
