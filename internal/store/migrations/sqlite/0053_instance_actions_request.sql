-- A server's actions are found by instance_actions_instance (instance_uuid,
-- start_time, id) alone: its list, its action of a request (a handful of
-- rows per server, filtered by request_id) and the latest action of a
-- kind. The unique index on (instance_uuid, request_id) served none of
-- them better and cost every new action a second entry in an index keyed
-- by a random uuid: a page of its own written per create (Nova keeps no
-- unique key on the pair either).
DROP INDEX instance_actions_request;
