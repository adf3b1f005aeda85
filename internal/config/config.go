// Package config holds novalite's one Config: defaults, command-line flags
// with NOVALITE_* environment fallbacks, and validation.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything a novalite process can be told.
type Config struct {
	Listen        string        // address of the one listener
	DataDir       string        // SQLite file, image bytes, clouds.yaml, openrc
	Database      string        // postgres://… for api/agent/controller; empty = SQLite in DataDir
	PublicURL     string        // base URL put in the catalog; default http://<listen address>
	AdminPassword string        // bootstrap password of user admin; generated when empty
	DemoPassword  string        // bootstrap password of user demo; generated when empty
	AltPassword   string        // bootstrap password of user alt_demo; generated when empty
	TokenTTL      time.Duration // lifetime of issued tokens
	MaxBodyBytes  int64         // request bodies above are refused with 413
	LogLevel      string        // debug, info, warn, error
	LogFormat     string        // text, json, or auto: json unless stderr is a terminal
	ConfigFile    string        // TOML file of options, applied before the environment and flags
	Region        string        // region name of the catalog
	// VolumeDir holds the volumes' files (default DataDir/volumes): the
	// api processes write them, the agents give them to guests, so every
	// role of a deployment must see the same directory (on several
	// machines, a shared mount).
	VolumeDir string
	// ReclaimInstanceInterval is Nova's reclaim_instance_interval: > 0
	// turns DELETE into a soft delete reclaimed after this long.
	ReclaimInstanceInterval time.Duration
	// ResizeConfirmWindow is Nova's resize_confirm_window: > 0 confirms
	// resizes left unconfirmed this long.
	ResizeConfirmWindow time.Duration
	// ShelvedOffloadTime is Nova's shelved_offload_time: 0 offloads a
	// shelved server at once, > 0 after this long, < 0 never.
	ShelvedOffloadTime time.Duration
	// Hosts is how many simulated compute hosts serve runs
	// (novalite-compute-1 …), each with the resources below.
	Hosts        int
	HostVCPUs    int64
	HostMemoryMB int64
	HostDiskGB   int64
	// FakeDelay is added to every operation of the fake driver;
	// FakeDelays to single operations ("rebuild=2s,spawn=100ms").
	FakeDelay  time.Duration
	FakeDelays string
	// TransitionTime is the least time the simulated reboots, rebuilds,
	// resizes, migrations and password changes take, so that clients
	// polling for REBOOT, REBUILD, RESIZE … see it (Nova takes seconds),
	// and a simulated build's networking step (before it the server shows
	// no security groups, as on Nova before its ports exist).
	// Zero (--instant) makes them as fast as the machine allows.
	TransitionTime time.Duration
	// PasswordCost is the bcrypt cost of new password hashes (0: bcrypt's
	// default, 10). Keystone's password_hash_rounds defaults to 12: four
	// times the CPU per hash and per password check, for every token
	// issued with a password. Existing hashes keep the cost they were
	// made with.
	PasswordCost int
	// Driver is the virt driver of the compute hosts: fake (simulated
	// guests, the default) or qemu (a QEMU guest per server).
	Driver string
	// ShutdownTimeout is how long a real guest has to power off after
	// the ACPI power button before it is stopped hard (Nova's
	// shutdown_timeout).
	ShutdownTimeout time.Duration
	// ForceConfigDrive attaches a config drive to every real guest
	// (Nova's force_config_drive).
	ForceConfigDrive bool
	// InstancesPath holds each host's directory of real guests (Nova's
	// instances_path; "": <data dir>/instances). Agents that resize and
	// migrate guests between them share it: one machine, or storage
	// shared between machines.
	InstancesPath string
	// RemoveUnusedBaseAge is how long an image cached on a host of real
	// guests may stay unused before it is removed (Nova's
	// remove_unused_original_minimum_age_seconds); negative: never.
	RemoveUnusedBaseAge time.Duration
	// DatabaseMaxConns caps the connections of this process's pool
	// (0: the engine's default); replicas multiply it on one server.
	DatabaseMaxConns int
	// ServiceDownTime is Nova's service_down_time: a compute host whose
	// last heartbeat is older is down (os-services, host_status, the
	// scheduler, host calls, evacuate). ReportInterval is Nova's
	// report_interval: how often an agent heartbeats. Every process
	// judging or reporting liveness needs the same values.
	ServiceDownTime time.Duration
	ReportInterval  time.Duration
	// Host is the compute host an agent runs (`novalite agent --host`).
	Host string
	// LeaderCheck is how often a controller tries the leader lock, and
	// the leader checks it still holds it: the fail-over bound after a
	// leader's crash.
	LeaderCheck time.Duration
	// FernetRotation is how often the (leading) controller rotates the
	// Fernet keys, as a cron job of keystone-manage fernet_rotate does;
	// 0 never. FernetMaxActiveKeys is Keystone's max_active_keys (0: as
	// many as keep every token's key until it expires).
	FernetRotation      time.Duration
	FernetMaxActiveKeys int
	// ControlAPI serves the test cloud's control API under /novalite/v1
	// (admins only): clock, simulated hosts, fault knobs.
	ControlAPI bool
	// ImageCountTotal is Glance's image_count_total limit (its Keystone
	// unified limit) for every project: how many images a project may own;
	// -1, Glance's default without unified limits, is no limit.
	ImageCountTotal int
	// HideFakeMetadata keeps the fake:* knobs out of the metadata that
	// clients see (they still act on the simulated driver).
	HideFakeMetadata bool
	// HTTP bounds clients' connections and requests' time.
	HTTP HTTPLimits
	// NoLoops registers the hosts but runs no scheduler, agents or
	// periodic jobs: for tests that play those parts themselves.
	NoLoops bool
}

// Default returns the defaults.
func Default() Config {
	return Config{
		Listen:          "127.0.0.1:8774",
		DataDir:         "./novalite-data",
		TokenTTL:        time.Hour,
		MaxBodyBytes:    114688, // oslo.middleware's max_request_body_size
		LogLevel:        "info",
		LogFormat:       "auto",
		Region:          "RegionOne",
		ImageCountTotal: -1,
		Hosts:           1,
		HostVCPUs:       64,
		HostMemoryMB:    262144,
		HostDiskGB:      2048,
		// Above one poll interval of gophercloud and Tempest (1 s).
		TransitionTime:      2 * time.Second,
		Driver:              "fake",
		ShutdownTimeout:     60 * time.Second,
		RemoveUnusedBaseAge: 24 * time.Hour,
		LeaderCheck:         time.Second,
		ServiceDownTime:     60 * time.Second,
		ReportInterval:      10 * time.Second,
		FernetRotation:      24 * time.Hour,
		HTTP:                defaultHTTPLimits(),
	}
}

// Flags registers the flags of c on fs; each defaults to its NOVALITE_*
// environment variable when set, else to the value already in c.
func (c *Config) Flags(fs *flag.FlagSet) {
	f := envFlags{fs}
	f.str(&c.Listen, "listen", "address to listen on")
	f.str(&c.DataDir, "data-dir", "directory of the SQLite database and generated files")
	f.str(&c.VolumeDir, "volume-dir", "directory of the volumes' files, the same for every role (default <data-dir>/volumes)")
	f.str(&c.Database, "database", "database URL (postgres://…); default: SQLite in the data dir")
	f.str(&c.PublicURL, "public-url", "base URL for the service catalog (default http://<listen>)")
	f.str(&c.AdminPassword, "admin-password", "bootstrap password of user admin (generated if empty)")
	f.str(&c.DemoPassword, "demo-password", "bootstrap password of user demo (generated if empty)")
	f.str(&c.AltPassword, "alt-password", "bootstrap password of user alt_demo, the clients' second member (generated if empty)")
	f.str(&c.LogLevel, "log-level", "log level: debug, info, warn, error")
	f.str(&c.LogFormat, "log-format", "log format: text, json, or auto (json unless stderr is a terminal)")
	f.str(&c.ConfigFile, "config", "TOML file of options (keys are flag names); the environment and flags override it")
	f.str(&c.Region, "region", "region name in the catalog")
	f.integer(&c.PasswordCost, "password-hash-rounds",
		"bcrypt cost of new password hashes, 4 to 31 (0: 10; Keystone's password_hash_rounds is 12)")
	f.dur(&c.TokenTTL, "token-ttl", "lifetime of tokens")
	f.dur(&c.ReclaimInstanceInterval, "reclaim-instance-interval", "> 0: DELETE soft-deletes servers, reclaimed after this long")
	f.dur(&c.ResizeConfirmWindow, "resize-confirm-window", "> 0: resizes not confirmed within this long are confirmed")
	f.dur(&c.ShelvedOffloadTime, "shelved-offload-time", "0: shelve offloads at once; > 0: after this long; < 0: never")
	f.integer(&c.Hosts, "hosts", "number of simulated compute hosts")
	f.int64(&c.HostVCPUs, "host-vcpus", "vCPUs of each simulated host")
	f.int64(&c.HostMemoryMB, "host-ram-mb", "MiB of RAM of each simulated host")
	f.int64(&c.HostDiskGB, "host-disk-gb", "GiB of disk of each simulated host")
	f.dur(&c.FakeDelay, "fake-delay", "delay of every fake driver operation")
	f.str(&c.FakeDelays, "fake-delays", "delays of single fake driver operations, e.g. rebuild=2s,spawn=100ms")
	f.dur(&c.TransitionTime, "transition-time",
		"least time of simulated reboots, rebuilds, resizes, migrations, password changes and a build's networking step, so pollers see REBOOT, REBUILD …")
	if b, _ := strconv.ParseBool(os.Getenv("NOVALITE_INSTANT")); b {
		c.TransitionTime = 0
	}
	fs.BoolFunc("instant", "same as --transition-time 0: simulated operations as fast as the machine allows (env NOVALITE_INSTANT)", func(s string) error {
		b, err := strconv.ParseBool(s)
		if b {
			c.TransitionTime = 0
		}
		return err
	})
	f.str(&c.Driver, "driver", "virt driver of the compute hosts: fake (simulated) or qemu (real guests)")
	f.dur(&c.ShutdownTimeout, "shutdown-timeout",
		"time a real guest has to power off on the ACPI power button before a hard stop")
	f.dur(&c.RemoveUnusedBaseAge, "remove-unused-base-age",
		"how long a host's cached base image may stay unused before it is removed, negative never, as Nova's remove_unused_original_minimum_age_seconds")
	f.str(&c.InstancesPath, "instances-path",
		"directory of the hosts' real guests, shared by the agents that move guests between them (default <data-dir>/instances)")
	f.boolean(&c.ForceConfigDrive, "force-config-drive", "attach a config drive to every real guest")
	f.integer(&c.DatabaseMaxConns, "database-max-conns", "most database connections of this process, 0 for the default")
	f.dur(&c.FernetRotation, "fernet-rotation", "how often the controller rotates the Fernet token keys, 0 never")
	f.integer(&c.FernetMaxActiveKeys, "fernet-max-active-keys",
		"Fernet keys kept (staged, primary and secondaries); 0: enough for every token to outlive its key's rotation")
	f.boolean(&c.ControlAPI, "control-api",
		"serve the control API under /novalite/v1 for admins: clock, simulated hosts, fault knobs")
	f.integer(&c.ImageCountTotal, "image-count-total", "images a project may own, Glance's image_count_total; -1 no limit")
	f.boolean(&c.HideFakeMetadata, "hide-fake-metadata", "keep the fake:* fault knobs out of the server metadata clients see")
	f.dur(&c.ServiceDownTime, "service-down-time",
		"Nova's service_down_time: a compute host whose last heartbeat is older is down, its servers' host_status UNKNOWN and it is not scheduled to")
	f.dur(&c.ReportInterval, "report-interval",
		"Nova's report_interval: how often a compute host heartbeats; less than --service-down-time")
	c.HTTP.flags(fs)
	f.int64(&c.MaxBodyBytes, "max-body-bytes", "largest request body accepted")
}

// AgentFlags registers the flags only `novalite agent` has.
func (c *Config) AgentFlags(fs *flag.FlagSet) {
	if c.Host == "" {
		c.Host, _ = os.Hostname()
	}
	fs.StringVar(&c.Host, "host", envOr("NOVALITE_HOST", c.Host), "name of this compute host (env NOVALITE_HOST, default the machine's name)")
}

// ControllerFlags registers the flags only `novalite controller` has.
func (c *Config) ControllerFlags(fs *flag.FlagSet) {
	envFlags{fs}.dur(&c.LeaderCheck, "leader-check",
		"how often a standby controller tries to take the lead, and the leader checks it still holds it")
}

// Validate reports what is wrong with c.
func (c *Config) Validate() error {
	var errs []error
	if c.Listen == "" {
		errs = append(errs, errors.New("listen address is empty"))
	}
	if c.DataDir == "" && c.Database == "" {
		errs = append(errs, errors.New("need a data dir or a database"))
	}
	if c.TokenTTL <= 0 {
		errs = append(errs, errors.New("token TTL must be positive"))
	}
	if c.PasswordCost != 0 && (c.PasswordCost < 4 || c.PasswordCost > 31) {
		errs = append(errs, errors.New("password hash rounds must be 0 or 4 to 31 (bcrypt's costs)"))
	}
	if c.ResizeConfirmWindow < 0 {
		errs = append(errs, errors.New("resize confirm window must not be negative"))
	}
	if c.ReclaimInstanceInterval < 0 {
		errs = append(errs, errors.New("reclaim instance interval must not be negative"))
	}
	if c.Hosts < 0 || c.HostVCPUs < 0 || c.HostMemoryMB < 0 || c.HostDiskGB < 0 || c.FakeDelay < 0 || c.TransitionTime < 0 {
		errs = append(errs, errors.New("hosts and host resources must not be negative"))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, errors.New("shutdown timeout must not be negative"))
	}
	if _, err := c.OpDelays(); err != nil {
		errs = append(errs, err)
	}
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log format %q is not auto, text or json", c.LogFormat))
	}
	if c.DatabaseMaxConns < 0 {
		errs = append(errs, errors.New("database max conns must not be negative"))
	}
	if c.FernetRotation < 0 || c.FernetMaxActiveKeys < 0 || c.FernetMaxActiveKeys == 1 {
		errs = append(errs, errors.New("fernet rotation must not be negative, and max active keys 0 or at least 2"))
	}
	// Nova raises service_down_time to 2.5 report intervals with a
	// warning; a refusal at start is harder to miss.
	if c.ReportInterval <= 0 || c.ServiceDownTime <= c.ReportInterval {
		errs = append(errs, fmt.Errorf("report interval (%s) must be positive and less than service down time (%s)",
			c.ReportInterval, c.ServiceDownTime))
	}
	if c.LeaderCheck <= 0 {
		errs = append(errs, errors.New("leader check interval must be positive"))
	}
	if err := c.HTTP.validate(); err != nil {
		errs = append(errs, err)
	}
	if c.MaxBodyBytes <= 0 {
		errs = append(errs, errors.New("max body bytes must be positive"))
	}
	for _, pw := range []string{c.AdminPassword, c.DemoPassword, c.AltPassword} {
		if len(pw) > 72 {
			errs = append(errs, errors.New("passwords are limited to 72 bytes"))
		}
	}
	return errors.Join(errs...)
}

// VolumePath is the volumes' directory: VolumeDir, or the data dir's.
func (c *Config) VolumePath() string {
	if c.VolumeDir != "" {
		return c.VolumeDir
	}
	return filepath.Join(c.DataDir, "volumes")
}

// DatabaseDSN is the database to open: Database, or the SQLite file.
func (c *Config) DatabaseDSN() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "novalite.db")
}

// String shows c with secrets redacted, for logs.
func (c Config) String() string {
	red := func(s string) string {
		if s == "" {
			return ""
		}
		return "[redacted]"
	}
	return fmt.Sprintf("listen=%s data-dir=%s database=%s public-url=%s admin-password=%s demo-password=%s alt-password=%s token-ttl=%s",
		c.Listen, c.DataDir, red(c.Database), c.PublicURL, red(c.AdminPassword), red(c.DemoPassword), red(c.AltPassword), c.TokenTTL)
}

func envOr(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

func envDuration(k string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(k)); err == nil {
		return d
	}
	return def
}

func envInt(k string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(k), 10, 64); err == nil {
		return n
	}
	return def
}

// OpDelays parses FakeDelays: comma-separated op=duration pairs.
func (c *Config) OpDelays() (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, part := range strings.Split(c.FakeDelays, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		op, d, ok := strings.Cut(part, "=")
		v, err := time.ParseDuration(d)
		if !ok || err != nil || v < 0 {
			return nil, fmt.Errorf("fake delays: %q is not op=duration", part)
		}
		out[op] = v
	}
	return out, nil
}

func envBool(k string, def bool) bool {
	if b, err := strconv.ParseBool(os.Getenv(k)); err == nil {
		return b
	}
	return def
}
