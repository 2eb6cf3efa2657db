package dev.imagestorage.model;

/** Where an image came from. Copies inherit the origin of their source. */
public enum Origin {
    /** Provided by the service provider. */
    OFFICIAL,
    /** Brought in or created by a customer. */
    PRIVATE,
    /** Created by a customer from a resource that was launched from an official image. */
    DERIVED_FROM_OFFICIAL
}
