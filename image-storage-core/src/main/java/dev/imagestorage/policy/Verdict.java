package dev.imagestorage.policy;

/** The outcome of one rule in a decision. */
public enum Verdict {
    PASSED,
    WARNED,
    FAILED
}
