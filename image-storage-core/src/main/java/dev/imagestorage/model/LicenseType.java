package dev.imagestorage.model;

/** How the operating system license of a template is handled. ISO images only ever have {@link #NONE} or {@link #BYOL}. */
public enum LicenseType {
    /** No OS license is handled by the provider. */
    NONE,
    /** The customer's own license, used as is. */
    BYOL,
    /** The image already carries the provider's license from another cloud. */
    PROVIDER_LICENSE_CONTINUED_USE,
    /** The customer's license is switched to the provider's license. */
    LICENSE_SWITCH
}
