package dev.imagestorage.model;

import static java.util.Objects.requireNonNull;

/**
 * A server that an ISO image is attached to.
 *
 * @param type {@link ResourceType#BAREMETAL_SERVER} or {@link ResourceType#VIRTUAL_SERVER}
 * @param id the server's id in its service; the same rule as every identifier applies
 */
public record ServerRef(ResourceType type, String id) {
    public ServerRef {
        requireNonNull(type, "type");
        if (!type.isServer()) {
            throw new IllegalArgumentException("invalid server type " + type + ": an ISO image attaches to a "
                    + "BAREMETAL_SERVER or a VIRTUAL_SERVER");
        }
        Identifiers.check("server id", id);
    }

    public static ServerRef baremetal(String id) {
        return new ServerRef(ResourceType.BAREMETAL_SERVER, id);
    }

    public static ServerRef virtual(String id) {
        return new ServerRef(ResourceType.VIRTUAL_SERVER, id);
    }

    /** A key unique across both server types, safe in a path: {@code baremetal-ID} or {@code virtual-ID}. */
    public String key() {
        return (type == ResourceType.BAREMETAL_SERVER ? "baremetal-" : "virtual-") + id;
    }

    @Override
    public String toString() {
        return (type == ResourceType.BAREMETAL_SERVER ? "baremetal server " : "virtual server ") + id;
    }
}
