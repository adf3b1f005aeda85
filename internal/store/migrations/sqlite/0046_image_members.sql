-- Glance's image members: the projects a shared image is offered to, each
-- with its own answer (pending, accepted, rejected). They go with the image.
CREATE TABLE image_members (
    image_id   TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    member_id  TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (image_id, member_id)
);
-- A project's shared images in its lists.
CREATE INDEX image_members_member ON image_members (member_id, status);
