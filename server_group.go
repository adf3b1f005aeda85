package novalite

import "time"

// Server group policies.
const (
	PolicyAffinity         = "affinity"
	PolicyAntiAffinity     = "anti-affinity"
	PolicySoftAffinity     = "soft-affinity"
	PolicySoftAntiAffinity = "soft-anti-affinity"
)

// ServerGroup is a set of servers placed by one policy.
type ServerGroup struct {
	InternalID int64
	ID         string // uuid
	Name       string
	ProjectID  string
	UserID     string
	Policy     string
	// Rules holds max_server_per_host (anti-affinity, 2.64+); nil = none.
	Rules     map[string]int
	Members   []string // server uuids
	CreatedAt time.Time
}
