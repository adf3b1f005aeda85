package novalite

import "time"

// Flavor is a hardware template for servers (Nova's flavors table of the
// API database). ID is the user-visible flavorid; InternalID orders ties.
type Flavor struct {
	InternalID  int64
	ID          string
	Name        string
	MemoryMB    int
	VCPUs       int
	RootGB      int
	EphemeralGB int
	SwapMB      int
	RxtxFactor  float64
	VCPUWeight  int
	Disabled    bool
	IsPublic    bool
	Description *string // nil = null
	ExtraSpecs  map[string]string
	CreatedAt   time.Time
	UpdatedAt   time.Time // zero = never updated
}

// Snapshot is the copy of f a server keeps.
func (f Flavor) Snapshot() FlavorSnapshot {
	specs := make(map[string]string, len(f.ExtraSpecs))
	for k, v := range f.ExtraSpecs {
		specs[k] = v
	}
	return FlavorSnapshot{ID: f.ID, Name: f.Name, VCPUs: f.VCPUs, MemoryMB: f.MemoryMB, RootGB: f.RootGB,
		EphemeralG: f.EphemeralGB, SwapMB: f.SwapMB, ExtraSpecs: specs}
}

// FlavorAccess grants a project the use of a private flavor.
type FlavorAccess struct {
	FlavorID  string // flavorid
	ProjectID string
}
