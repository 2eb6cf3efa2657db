package dev.imagestorage.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects what the rules of one request found. It records each evaluated rule as a bit, and builds reason messages
 * only for rules that fail or warn, so that an allowed decision costs no string building.
 */
final class Evaluation {
    private long evaluated;
    private List<Reason> reasons = List.of();

    /** Records that {@code rule} was evaluated. */
    void check(Rule rule) {
        evaluated |= rule.bit();
    }

    void deny(ReasonCode code, String message) {
        add(Reason.deny(code, message));
    }

    void warn(ReasonCode code, String message) {
        add(Reason.warn(code, message));
    }

    boolean denied() {
        for (Reason reason : reasons) {
            if (reason.severity() == Severity.DENY) {
                return true;
            }
        }
        return false;
    }

    Decision decide(Operation operation, Supplier<String> subject) {
        return new Decision(operation, subject, evaluated, reasons);
    }

    private void add(Reason reason) {
        if (reasons.isEmpty()) {
            reasons = new ArrayList<>(2);
        }
        reasons.add(reason);
    }
}
