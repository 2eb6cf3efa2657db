package dev.imagestorage.model;

/** The kinds of resource an image can be created from, or a resource created from. */
public enum ResourceType {
    BAREMETAL_SERVER,
    /** A virtual server instance of the compute service; its root disk is created with it. */
    VIRTUAL_SERVER,
    /** A volume of the virtual server service that an instance can boot from. */
    BOOTABLE_VOLUME,
    /** A volume of the virtual server service that holds data only. */
    DATA_VOLUME;

    public boolean isVolume() {
        return this == BOOTABLE_VOLUME || this == DATA_VOLUME;
    }

    public boolean isServer() {
        return this == BAREMETAL_SERVER || this == VIRTUAL_SERVER;
    }
}
