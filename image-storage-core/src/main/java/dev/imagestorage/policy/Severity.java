package dev.imagestorage.policy;

/** How a reason affects a decision. */
public enum Severity {
    /** The operation is denied. */
    DENY,
    /** The operation is allowed, and the caller should know this. */
    WARN
}
