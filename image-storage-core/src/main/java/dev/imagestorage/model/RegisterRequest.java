package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The properties of an image to register. The policy engine, not this record, decides whether the name, the
 * format and the sizes are valid, so that a bad value gets a decision that explains it.
 *
 * @param minDiskGb minimum disk in GB; 0 means no minimum
 * @param minMemoryMb minimum memory in MB; 0 means no minimum
 * @param declaredSizeBytes the size the caller announces for the upload, when it knows it
 * @param origin where the image comes from; a customer's own image is {@link Origin#PRIVATE}
 * @param os the operating system the image carries, when the owner declares one
 * @param officialTemplate for an image derived from an official image, the catalog id of that official template
 */
public record RegisterRequest(
        Plan plan,
        DiskFormat format,
        String name,
        SortedSet<String> tags,
        int minDiskGb,
        int minMemoryMb,
        boolean deletionProtected,
        LicenseType licenseType,
        Origin origin,
        Optional<OperatingSystem> os,
        Optional<String> officialTemplate,
        OptionalLong declaredSizeBytes) {

    public RegisterRequest {
        requireNonNull(plan, "plan");
        requireNonNull(format, "format");
        requireNonNull(name, "name");
        requireNonNull(licenseType, "licenseType");
        requireNonNull(origin, "origin");
        requireNonNull(os, "os");
        requireNonNull(officialTemplate, "officialTemplate");
        requireNonNull(declaredSizeBytes, "declaredSizeBytes");
        tags = java.util.Collections.unmodifiableSortedSet(tags == null ? new TreeSet<>() : new TreeSet<>(tags));
    }

    /** Starts a request for a private template; the format is raw or qcow2. */
    public static Builder template(String name, DiskFormat format) {
        return new Builder(Plan.TEMPLATE, format, name);
    }

    /** Starts a request for a private ISO image. */
    public static Builder iso(String name) {
        return new Builder(Plan.ISO, DiskFormat.ISO, name);
    }

    /** Starts a request with any plan and format, for callers that take both from their own input. */
    public static Builder of(Plan plan, DiskFormat format, String name) {
        return new Builder(plan, format, name);
    }

    /** Builds a {@link RegisterRequest}; every property but the plan, format and name has a default. */
    public static final class Builder {
        private final Plan plan;
        private final DiskFormat format;
        private final String name;
        private final SortedSet<String> tags = new TreeSet<>();
        private int minDiskGb;
        private int minMemoryMb;
        private boolean deletionProtected;
        private LicenseType licenseType = LicenseType.NONE;
        private Origin origin = Origin.PRIVATE;
        private Optional<OperatingSystem> os = Optional.empty();
        private Optional<String> officialTemplate = Optional.empty();
        private OptionalLong declaredSizeBytes = OptionalLong.empty();

        private Builder(Plan plan, DiskFormat format, String name) {
            this.plan = requireNonNull(plan, "plan");
            this.format = requireNonNull(format, "format");
            this.name = requireNonNull(name, "name");
        }

        public Builder tags(Collection<String> values) {
            for (String tag : values) {
                tags.add(requireNonNull(tag, "tag"));
            }
            return this;
        }

        public Builder tag(String value) {
            tags.add(requireNonNull(value, "tag"));
            return this;
        }

        public Builder minDiskGb(int value) {
            this.minDiskGb = value;
            return this;
        }

        public Builder minMemoryMb(int value) {
            this.minMemoryMb = value;
            return this;
        }

        /** Protects the image from deletion until protection is turned off. */
        public Builder protect() {
            this.deletionProtected = true;
            return this;
        }

        public Builder licenseType(LicenseType value) {
            this.licenseType = requireNonNull(value, "licenseType");
            return this;
        }

        public Builder origin(Origin value) {
            this.origin = requireNonNull(value, "origin");
            return this;
        }

        public Builder os(OperatingSystem value) {
            this.os = Optional.of(requireNonNull(value, "os"));
            return this;
        }

        /** Marks the image as derived from the official template with catalog id {@code templateId}. */
        public Builder derivedFromOfficial(String templateId) {
            this.origin = Origin.DERIVED_FROM_OFFICIAL;
            this.officialTemplate = Optional.of(requireNonNull(templateId, "templateId"));
            return this;
        }

        public Builder declaredSizeBytes(long value) {
            this.declaredSizeBytes = OptionalLong.of(value);
            return this;
        }

        public RegisterRequest build() {
            return new RegisterRequest(plan, format, name, tags, minDiskGb, minMemoryMb, deletionProtected,
                    licenseType, origin, os, officialTemplate, declaredSizeBytes);
        }
    }
}
