package dev.imagestorage.spi;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A metadata document's bytes together with the opaque version token of the stored copy they were read from.
 * Pass the token back to {@link MetadataStore#replace} or {@link MetadataStore#delete} to make the write conditional.
 */
public final class VersionedValue {
    private final byte[] value;
    private final String version;

    public VersionedValue(byte[] value, String version) {
        this.value = requireNonNull(value, "value").clone();
        this.version = requireNonNull(version, "version");
    }

    /** A copy of the stored bytes. */
    public byte[] value() {
        return value.clone();
    }

    public String version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionedValue other && version.equals(other.version) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * version.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "VersionedValue[" + value.length + " bytes, version " + version + "]";
    }
}
