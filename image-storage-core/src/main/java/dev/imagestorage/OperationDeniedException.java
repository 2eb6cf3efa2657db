package dev.imagestorage;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.policy.Decision;

/** Thrown by an acting operation that the policy engine denied; it carries the whole decision with its reasons. */
public class OperationDeniedException extends ImageStorageException {
    private final Decision decision;

    public OperationDeniedException(Decision decision) {
        super(requireNonNull(decision, "decision").toString());
        this.decision = decision;
    }

    public Decision decision() {
        return decision;
    }
}
