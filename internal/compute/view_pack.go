package compute

import (
	"encoding/binary"
	"time"

	"novalite"
)

// A packed view is a cached server kept as one string: its fields one
// after the other, lengths and numbers as varints. A ServerInfo on the
// heap is ~1.6 KB for a plain server (a struct of ~70 words, a string
// and a few maps allocated each); packed, the same server is ~300 bytes
// in one allocation that holds no pointers, so the collector does not
// scan it. Unpacking it costs about what a copy of the struct did: its
// strings are substrings of the packed one, only its maps and slices
// are allocated. packInfo and unpackInfo write and read the fields in
// the same order; TestPackedViewRoundTrip fills every field and fails
// on one that is not carried.

// packInfo packs v; HostStatus and Memo are not kept (the cache reads
// one again and makes the other anew). The id comes first: the cache
// keys the packed view by that substring.
func packInfo(v *ServerInfo) string {
	p := packer{b: make([]byte, 0, 384)}
	s := &v.Server
	p.str(s.ID)
	p.int(s.InternalID)
	p.str(s.Name)
	p.optStr(s.Description)
	p.str(s.Hostname)
	p.str(s.ProjectID)
	p.str(s.UserID)
	p.str(s.ImageRef)
	p.strMap(s.ImageProperties)
	p.flavor(&s.Flavor)
	p.bool(s.OldFlavor != nil)
	if s.OldFlavor != nil {
		p.flavor(s.OldFlavor)
	}
	p.str(string(s.VMState))
	p.str(string(s.TaskState))
	p.int(int64(s.PowerState))
	p.int(int64(s.Progress))
	p.str(s.Host)
	p.str(s.Node)
	p.str(s.AvailabilityZone)
	p.str(s.PinnedAZ)
	for _, t := range []time.Time{s.CreatedAt, s.UpdatedAt, s.LaunchedAt, s.TerminatedAt, s.DeletedAt} {
		p.time(t)
	}
	p.bool(s.Deleted)
	p.bool(s.Locked)
	p.str(s.LockedBy)
	p.optStr(s.LockedReason)
	p.optStr(s.KeyName)
	p.str(s.KeyData)
	p.bool(s.ConfigDrive)
	p.bool(s.AutoDiskConfig)
	p.str(s.AccessIPv4)
	p.str(s.AccessIPv6)
	p.str(s.ReservationID)
	p.int(int64(s.LaunchIndex))
	p.str(s.RootDeviceName)
	p.optStr(s.UserData)
	p.strs(s.TrustedCerts)
	p.hints(&s.SchedulerHints)
	p.str(s.ServerGroup)
	p.str(s.RequestedNetworks)
	p.str(s.AdminPasswordHash)
	p.str(s.EncryptedPassword)
	p.strMap(s.Metadata)
	p.strs(s.Tags)
	p.bool(s.Fault != nil)
	if f := s.Fault; f != nil {
		p.int(int64(f.Code))
		p.str(f.Message)
		p.str(f.Details)
		p.time(f.Created)
	}
	p.volumes(s.Volumes)
	p.addresses(v.Addresses)
	p.strs(v.SecurityGroups)
	return string(p.b)
}

// unpackInfo is the ServerInfo b packs (b from packInfo); its strings
// share b's memory.
func unpackInfo(b string) ServerInfo {
	u := unpacker{b: b}
	var v ServerInfo
	s := &v.Server
	s.ID = u.str()
	s.InternalID = u.int()
	s.Name = u.str()
	s.Description = u.optStr()
	s.Hostname = u.str()
	s.ProjectID = u.str()
	s.UserID = u.str()
	s.ImageRef = u.str()
	s.ImageProperties = u.strMap()
	u.flavor(&s.Flavor)
	if u.bool() {
		s.OldFlavor = new(novalite.FlavorSnapshot)
		u.flavor(s.OldFlavor)
	}
	s.VMState = novalite.VMState(u.str())
	s.TaskState = novalite.TaskState(u.str())
	s.PowerState = novalite.PowerState(u.int())
	s.Progress = int(u.int())
	s.Host = u.str()
	s.Node = u.str()
	s.AvailabilityZone = u.str()
	s.PinnedAZ = u.str()
	for _, t := range []*time.Time{&s.CreatedAt, &s.UpdatedAt, &s.LaunchedAt, &s.TerminatedAt, &s.DeletedAt} {
		*t = u.time()
	}
	s.Deleted = u.bool()
	s.Locked = u.bool()
	s.LockedBy = u.str()
	s.LockedReason = u.optStr()
	s.KeyName = u.optStr()
	s.KeyData = u.str()
	s.ConfigDrive = u.bool()
	s.AutoDiskConfig = u.bool()
	s.AccessIPv4 = u.str()
	s.AccessIPv6 = u.str()
	s.ReservationID = u.str()
	s.LaunchIndex = int(u.int())
	s.RootDeviceName = u.str()
	s.UserData = u.optStr()
	s.TrustedCerts = u.strs()
	u.hints(&s.SchedulerHints)
	s.ServerGroup = u.str()
	s.RequestedNetworks = u.str()
	s.AdminPasswordHash = u.str()
	s.EncryptedPassword = u.str()
	s.Metadata = u.strMap()
	s.Tags = u.strs()
	if u.bool() {
		s.Fault = &novalite.Fault{Code: int(u.int()), Message: u.str(), Details: u.str(), Created: u.time()}
	}
	s.Volumes = u.volumes()
	v.Addresses = u.addresses()
	v.SecurityGroups = u.strs()
	return v
}

// packer appends a view's fields to b. Slices and maps carry their
// length plus one, 0 for nil: a view renders nil and empty differently.
type packer struct{ b []byte }

func (p *packer) uint(n uint64) { p.b = binary.AppendUvarint(p.b, n) }
func (p *packer) int(n int64)   { p.b = binary.AppendVarint(p.b, n) }

func (p *packer) bool(on bool) {
	if on {
		p.b = append(p.b, 1)
	} else {
		p.b = append(p.b, 0)
	}
}

func (p *packer) str(s string) {
	p.uint(uint64(len(s)))
	p.b = append(p.b, s...)
}

func (p *packer) optStr(s *string) {
	if s == nil {
		p.uint(0)
		return
	}
	p.uint(uint64(len(*s)) + 1)
	p.b = append(p.b, *s...)
}

func (p *packer) size(n int, isNil bool) {
	if isNil {
		p.uint(0)
	} else {
		p.uint(uint64(n) + 1)
	}
}

func (p *packer) strs(list []string) {
	p.size(len(list), list == nil)
	for _, s := range list {
		p.str(s)
	}
}

func (p *packer) strMap(m map[string]string) {
	p.size(len(m), m == nil)
	for k, v := range m {
		p.str(k)
		p.str(v)
	}
}

// time keeps the instant; the store's times and the views' are UTC.
func (p *packer) time(t time.Time) {
	p.bool(!t.IsZero())
	if !t.IsZero() {
		p.int(t.Unix())
		p.uint(uint64(t.Nanosecond()))
	}
}

func (p *packer) flavor(f *novalite.FlavorSnapshot) {
	p.str(f.ID)
	p.str(f.Name)
	for _, n := range []int{f.VCPUs, f.MemoryMB, f.RootGB, f.EphemeralG, f.SwapMB} {
		p.int(int64(n))
	}
	p.strMap(f.ExtraSpecs)
}

func (p *packer) hints(h *novalite.SchedulerHints) {
	for _, l := range [][]string{h.Group, h.DifferentHost, h.SameHost, h.Query, h.TargetCell, h.DifferentCell, h.BuildNearHostIP, h.CIDR} {
		p.strs(l)
	}
	p.size(len(h.Other), h.Other == nil)
	for k, l := range h.Other {
		p.str(k)
		p.strs(l)
	}
}

func (p *packer) volumes(list []novalite.BlockDeviceMapping) {
	p.size(len(list), list == nil)
	for i := range list {
		b := &list[i]
		for _, s := range []string{b.ID, b.InstanceUUID, b.VolumeID, b.AttachmentID, b.Device} {
			p.str(s)
		}
		p.bool(b.BootIndex != nil)
		if b.BootIndex != nil {
			p.int(int64(*b.BootIndex))
		}
		p.bool(b.DeleteOnTermination)
		p.str(b.Tag)
		p.str(b.SourceType)
		p.time(b.CreatedAt)
	}
}

func (p *packer) addresses(list []ServerAddress) {
	p.size(len(list), list == nil)
	for _, a := range list {
		p.str(a.Network)
		p.int(int64(a.Version))
		p.str(a.Addr)
		p.str(a.Type)
		p.str(a.MAC)
	}
}

// unpacker reads what packer wrote, from the front of b.
type unpacker struct {
	b string
	i int
}

func (u *unpacker) uint() uint64 {
	var n uint64
	for shift := 0; ; shift += 7 {
		c := u.b[u.i]
		u.i++
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return n
		}
	}
}

func (u *unpacker) int() int64 {
	n := u.uint()
	return int64(n>>1) ^ -int64(n&1) // zigzag, as binary.AppendVarint
}

func (u *unpacker) bool() bool {
	u.i++
	return u.b[u.i-1] == 1
}

func (u *unpacker) bytes(n int) string {
	s := u.b[u.i : u.i+n]
	u.i += n
	return s
}

func (u *unpacker) str() string { return u.bytes(int(u.uint())) }

func (u *unpacker) optStr() *string {
	n := u.uint()
	if n == 0 {
		return nil
	}
	s := u.bytes(int(n - 1))
	return &s
}

// size is the length of a slice or map, and false for nil.
func (u *unpacker) size() (int, bool) {
	n := u.uint()
	return int(n) - 1, n > 0
}

func (u *unpacker) strs() []string {
	n, ok := u.size()
	if !ok {
		return nil
	}
	list := make([]string, n)
	for i := range list {
		list[i] = u.str()
	}
	return list
}

func (u *unpacker) strMap() map[string]string {
	n, ok := u.size()
	if !ok {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := u.str()
		m[k] = u.str()
	}
	return m
}

func (u *unpacker) time() time.Time {
	if !u.bool() {
		return time.Time{}
	}
	sec := u.int()
	return time.Unix(sec, int64(u.uint())).UTC()
}

func (u *unpacker) flavor(f *novalite.FlavorSnapshot) {
	f.ID = u.str()
	f.Name = u.str()
	for _, n := range []*int{&f.VCPUs, &f.MemoryMB, &f.RootGB, &f.EphemeralG, &f.SwapMB} {
		*n = int(u.int())
	}
	f.ExtraSpecs = u.strMap()
}

func (u *unpacker) hints(h *novalite.SchedulerHints) {
	for _, l := range []*[]string{&h.Group, &h.DifferentHost, &h.SameHost, &h.Query, &h.TargetCell, &h.DifferentCell, &h.BuildNearHostIP, &h.CIDR} {
		*l = u.strs()
	}
	n, ok := u.size()
	if !ok {
		return
	}
	h.Other = make(map[string][]string, n)
	for range n {
		k := u.str()
		h.Other[k] = u.strs()
	}
}

func (u *unpacker) volumes() []novalite.BlockDeviceMapping {
	n, ok := u.size()
	if !ok {
		return nil
	}
	list := make([]novalite.BlockDeviceMapping, n)
	for i := range list {
		b := &list[i]
		for _, s := range []*string{&b.ID, &b.InstanceUUID, &b.VolumeID, &b.AttachmentID, &b.Device} {
			*s = u.str()
		}
		if u.bool() {
			idx := int(u.int())
			b.BootIndex = &idx
		}
		b.DeleteOnTermination = u.bool()
		b.Tag = u.str()
		b.SourceType = u.str()
		b.CreatedAt = u.time()
	}
	return list
}

func (u *unpacker) addresses() []ServerAddress {
	n, ok := u.size()
	if !ok {
		return nil
	}
	list := make([]ServerAddress, n)
	for i := range list {
		a := &list[i]
		a.Network = u.str()
		a.Version = int(u.int())
		a.Addr = u.str()
		a.Type = u.str()
		a.MAC = u.str()
	}
	return list
}
