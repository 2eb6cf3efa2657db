package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The policy engine's answer to one request: the outcome and every reason behind it. Immutable.
 *
 * <p>A decision is {@linkplain Outcome#DENIED denied} when at least one reason denies,
 * {@linkplain Outcome#ALLOWED_WITH_WARNINGS allowed with warnings} when its reasons only warn, and
 * {@linkplain Outcome#ALLOWED allowed} when it has no reason at all.
 */
public final class Decision {
    /** What the engine decided. */
    public enum Outcome {
        ALLOWED,
        ALLOWED_WITH_WARNINGS,
        DENIED
    }

    private final Operation operation;
    private final String subject;
    private final List<Reason> reasons;
    private final Outcome outcome;

    private Decision(Operation operation, String subject, List<Reason> reasons) {
        this.operation = requireNonNull(operation, "operation");
        this.subject = requireNonNull(subject, "subject");
        this.reasons = List.copyOf(reasons);
        this.outcome = outcomeOf(this.reasons);
    }

    /**
     * Creates a decision from the reasons the rules produced.
     *
     * @param subject a short description of the request, such as "share image 7f3a with tenant t-2"
     */
    public static Decision of(Operation operation, String subject, List<Reason> reasons) {
        return new Decision(operation, subject, reasons);
    }

    public Operation operation() {
        return operation;
    }

    /** A short description of the request this decision answers. */
    public String subject() {
        return subject;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Every reason, denials and warnings, in the order the rules were evaluated. */
    public List<Reason> reasons() {
        return reasons;
    }

    public List<Reason> denials() {
        return reasons.stream().filter(r -> r.severity() == Severity.DENY).toList();
    }

    public List<Reason> warnings() {
        return reasons.stream().filter(r -> r.severity() == Severity.WARN).toList();
    }

    public boolean isAllowed() {
        return outcome != Outcome.DENIED;
    }

    public boolean isDenied() {
        return outcome == Outcome.DENIED;
    }

    public boolean hasReason(ReasonCode code) {
        return reasons.stream().anyMatch(r -> r.code() == code);
    }

    /** The codes of every reason, in order. */
    public List<ReasonCode> codes() {
        return reasons.stream().map(Reason::code).toList();
    }

    /** Reads as a short explanation: the outcome and subject on the first line, then one line per reason. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                .append(": ")
                .append(subject);
        for (Reason reason : reasons) {
            out.append(System.lineSeparator()).append("  - ").append(reason);
        }
        return out.toString();
    }

    private static Outcome outcomeOf(List<Reason> reasons) {
        boolean warned = false;
        for (Reason reason : reasons) {
            if (reason.severity() == Severity.DENY) {
                return Outcome.DENIED;
            }
            warned = true;
        }
        return warned ? Outcome.ALLOWED_WITH_WARNINGS : Outcome.ALLOWED;
    }
}
