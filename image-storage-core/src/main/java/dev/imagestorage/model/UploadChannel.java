package dev.imagestorage.model;

/** How the bytes of an upload reach the service. */
public enum UploadChannel {
    /** The API: no limit but the image size limit. */
    API,
    /** The customer portal in a browser: limited to the catalog's portal upload limit. */
    PORTAL
}
