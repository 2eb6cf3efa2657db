package dev.imagestorage.model;

/** What an ISO image is used for when a resource is created from it. */
public enum IsoPurpose {
    /** Installs an operating system: on a baremetal server, or into an empty volume of a virtual server. */
    OS_INSTALLER,
    /** Installs middleware on a running baremetal server through media connectivity. */
    MIDDLEWARE_INSTALLER
}
