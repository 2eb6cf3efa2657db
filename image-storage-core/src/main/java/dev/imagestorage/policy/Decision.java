package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The policy engine's verdict on one request: the outcome, every rule evaluated, and every reason a rule gave.
 * Immutable.
 *
 * <p>A decision is {@linkplain Outcome#DENIED denied} when at least one reason denies,
 * {@linkplain Outcome#ALLOWED_WITH_WARNINGS allowed with warnings} when its reasons only warn, and
 * {@linkplain Outcome#ALLOWED allowed} when it has no reason at all.
 */
public final class Decision {
    /** The outcome of a decision. */
    public enum Outcome {
        ALLOWED,
        ALLOWED_WITH_WARNINGS,
        DENIED
    }

    private final Operation operation;
    private final Supplier<String> subject;
    private final long evaluatedRules;
    private final List<Reason> reasons;
    private final Outcome outcome;

    Decision(Operation operation, Supplier<String> subject, long evaluatedRules, List<Reason> reasons) {
        this.operation = operation;
        this.subject = subject;
        this.reasons = List.copyOf(reasons);
        this.outcome = outcomeOf(this.reasons);
        long withReasons = evaluatedRules;
        for (Reason reason : reasons) {
            withReasons |= reason.code().rule().bit();
        }
        this.evaluatedRules = withReasons;
    }

    /**
     * Creates a decision from reasons found outside the engine; the rules evaluated are those of the reasons.
     *
     * @param subject a short description of the request, such as "share image 7f3a with tenant t-2"
     */
    public static Decision of(Operation operation, String subject, List<Reason> reasons) {
        requireNonNull(operation, "operation");
        requireNonNull(subject, "subject");
        return new Decision(operation, () -> subject, 0, List.copyOf(reasons));
    }

    public Operation operation() {
        return operation;
    }

    /** Returns a short description of the request this decision is about. */
    public String subject() {
        return subject.get();
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Returns every reason, denials and warnings, in the order the rules were evaluated. */
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
        for (Reason reason : reasons) {
            if (reason.code() == code) {
                return true;
            }
        }
        return false;
    }

    /** Returns the codes of every reason, in order. */
    public List<ReasonCode> codes() {
        return reasons.stream().map(Reason::code).toList();
    }

    /** Returns every rule evaluated, in the order of {@link Rule}, each with its verdict and reasons. */
    public List<RuleCheck> checks() {
        List<RuleCheck> checks = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            if ((evaluatedRules & rule.bit()) == 0) {
                continue;
            }
            List<Reason> ofRule = reasons.stream().filter(r -> r.code().rule() == rule).toList();
            Verdict verdict = Verdict.PASSED;
            for (Reason reason : ofRule) {
                verdict = reason.severity() == Severity.DENY ? Verdict.FAILED
                        : verdict == Verdict.FAILED ? Verdict.FAILED : Verdict.WARNED;
            }
            checks.add(new RuleCheck(rule, verdict, ofRule));
        }
        return checks;
    }

    /** Returns the rules that were evaluated and gave no reason. */
    public List<Rule> passedRules() {
        return checks().stream().filter(c -> c.verdict() == Verdict.PASSED).map(RuleCheck::rule).toList();
    }

    /**
     * Reads as a short explanation: the outcome and subject on the first line, one line per reason, then the rules
     * that passed.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(": ").append(subject());
        for (Reason reason : reasons) {
            out.append(System.lineSeparator()).append("  - ").append(reason);
        }
        List<Rule> passed = passedRules();
        if (!passed.isEmpty()) {
            out.append(System.lineSeparator()).append("  passed: ")
                    .append(String.join(", ", passed.stream().map(Rule::id).toList()));
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
