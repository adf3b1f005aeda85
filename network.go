package novalite

import "time"

// Network is a Neutron network. Subnets is filled on reads.
type Network struct {
	ID, Name, ProjectID, Description string
	AdminStateUp, Shared, External   bool
	PortSecurityEnabled              bool // the default of its new ports
	MTU                              int
	Subnets                          []string
	CreatedAt, UpdatedAt             time.Time
}

// AllocationPool is an inclusive range of addresses a subnet hands out.
type AllocationPool struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// HostRoute is a static route a subnet advertises.
type HostRoute struct {
	Destination string `json:"destination"`
	NextHop     string `json:"nexthop"`
}

// Subnet is a Neutron subnet. GatewayIP "" means none (null).
type Subnet struct {
	ID, Name, NetworkID, ProjectID, Description string
	IPVersion                                   int
	CIDR, GatewayIP                             string
	EnableDHCP                                  bool
	AllocationPools                             []AllocationPool
	DNSNameservers                              []string
	HostRoutes                                  []HostRoute
	IPv6AddressMode, IPv6RAMode                 string   // "" = null
	ServiceTypes                                []string // device owners whose ports it serves (subnet-service-types)
	CreatedAt, UpdatedAt                        time.Time
}

// FixedIP is one address of a port.
type FixedIP struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// Port device owners that Neutron and Nova use.
const (
	DeviceOwnerRouterInterface = "network:router_interface"
	DeviceOwnerRouterGateway   = "network:router_gateway"
	DeviceOwnerFloatingIP      = "network:floatingip"
	DeviceOwnerDHCP            = "network:dhcp"
	DeviceOwnerComputePrefix   = "compute:"
)

// Port is a Neutron port. NetworkName is filled on the reads made for
// server views (addresses are keyed by network name). ServerOwned marks a
// port that Nova created for a server and deletes with it.
type Port struct {
	ID, Name, NetworkID, ProjectID, Description string
	MACAddress, Status                          string
	AdminStateUp, PortSecurityEnabled           bool
	DeviceID, DeviceOwner, HostID               string
	FixedIPs                                    []FixedIP
	SecurityGroups                              []string
	ServerOwned                                 bool
	NetworkName                                 string
	AllowedAddressPairs                         []AddressPair // allowed-address-pairs
	ExtraDHCPOpts                               []DHCPOpt     // extra_dhcp_opt
	// BindingProfile is binding:profile, a dict Neutron keeps for the
	// mechanism drivers as given (an administrator's); empty by default.
	BindingProfile       map[string]any
	CreatedAt, UpdatedAt time.Time
}

// AddressPair is an address (or CIDR) a port may send from besides its
// own, with the MAC it may use (the port's own when none was given).
type AddressPair struct {
	IPAddress  string `json:"ip_address"`
	MACAddress string `json:"mac_address"`
}

// DHCPOpt is an extra DHCP option of a port.
type DHCPOpt struct {
	Name      string `json:"opt_name"`
	Value     string `json:"opt_value"`
	IPVersion int    `json:"ip_version"`
}

// SecurityGroup is a Neutron security group with its rules.
type SecurityGroup struct {
	ID, Name, Description, ProjectID string
	Stateful                         bool
	Rules                            []SecurityGroupRule
	CreatedAt, UpdatedAt             time.Time
}

// SecurityGroupRule is one rule of a group. "" strings are null; nil
// port bounds are null.
type SecurityGroupRule struct {
	ID, SecurityGroupID, ProjectID, Description string
	Direction, EtherType, Protocol              string
	PortRangeMin, PortRangeMax                  *int
	RemoteIPPrefix, RemoteGroupID               string
	CreatedAt, UpdatedAt                        time.Time
}

// FloatingIP is a Neutron floating IP: an address of an external network
// (held by a port of device_owner network:floatingip), maybe associated
// with a fixed address of a port.
type FloatingIP struct {
	ID, ProjectID, Description               string
	FloatingNetworkID, FloatingIPAddress     string
	FloatingPortID                           string
	PortID, FixedIPAddress, RouterID, Status string // "" = null
	CreatedAt, UpdatedAt                     time.Time
}

// Router is a Neutron router; the gateway is a port on an external
// network, the interfaces are ports of device_owner
// network:router_interface with device_id = the router's id.
type Router struct {
	ID, Name, ProjectID, Description, Status string
	AdminStateUp                             bool
	GatewayNetworkID, GatewayPortID          string // "" = no gateway
	EnableSNAT                               bool
	GatewayIPs                               []FixedIP // filled on reads
	CreatedAt, UpdatedAt                     time.Time
}
