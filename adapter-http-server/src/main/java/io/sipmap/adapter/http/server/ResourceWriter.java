package io.sipmap.adapter.http.server;

/**
 * Writes one kind of resource as Twilio does, for answers under one base URL: made once per base URL (see
 * {@link ResourceRoutes}), read only after, so threads may share it.
 */
interface ResourceWriter<T> {

    /** About the length of one resource, to size a writer. */
    int length();

    /** Writes {@code resource} as one JSON object. */
    void write(JsonWriter json, T resource);
}
