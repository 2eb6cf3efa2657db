package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

/**
 * One reason of a decision: a stable code, whether it denies or warns, and a message that names the values involved.
 */
public record Reason(ReasonCode code, Severity severity, String message) {
    public Reason {
        requireNonNull(code, "code");
        requireNonNull(severity, "severity");
        requireNonNull(message, "message");
    }

    public static Reason deny(ReasonCode code, String message) {
        return new Reason(code, Severity.DENY, message);
    }

    public static Reason warn(ReasonCode code, String message) {
        return new Reason(code, Severity.WARN, message);
    }

    @Override
    public String toString() {
        return (severity == Severity.DENY ? "denied" : "warning") + " [" + code.code() + "] " + message;
    }
}
