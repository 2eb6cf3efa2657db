package dev.imagestorage.policy;

import java.util.Locale;

/** The operations the policy engine decides. */
public enum Operation {
    REGISTER,
    UPLOAD,
    DOWNLOAD,
    DELETE,
    PROTECT,
    ADD_MEMBER,
    REMOVE_MEMBER,
    ACCEPT,
    REJECT,
    COPY,
    CANCEL_COPY,
    LAUNCH,
    CAPTURE,
    ATTACH_ISO,
    DETACH_ISO,
    TERMINATE_CONTRACT,
    DISTRIBUTE;

    /** A lower-case label such as {@code add-member}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
