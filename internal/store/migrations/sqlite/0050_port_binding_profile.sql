-- Neutron's binding:profile on ports, a JSON object.
ALTER TABLE ports ADD COLUMN binding_profile TEXT NOT NULL DEFAULT '{}';
