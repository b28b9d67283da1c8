-- Requests per client per fixed window, which every node on PostgreSQL adds to, so the
-- request limit holds for the archive as a whole. The client is a keyed hash of its
-- address that changes with each window, never the address.
CREATE TABLE request_counts (
    client TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (client, window_start)
);
