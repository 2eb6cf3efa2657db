package dev.imagestorage.model;

/** The operating system families the license rules tell apart. */
public enum OsFamily {
    WINDOWS_SERVER,
    RED_HAT_ENTERPRISE_LINUX,
    /** Any other operating system; no license rule of the provider applies to it. */
    OTHER
}
