-- Nova's quota classes: limits by class name. The "default" class holds
-- the limits a project gets where it has none of its own; a resource
-- without a row falls back to the built-in default.
CREATE TABLE quota_classes (
    class_name TEXT NOT NULL,
    resource   TEXT NOT NULL,
    hard_limit BIGINT NOT NULL,
    PRIMARY KEY (class_name, resource)
);
