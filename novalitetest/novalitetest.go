// Package novalitetest starts a complete novalite in-process for Go tests:
// Keystone, Nova, Glance and Neutron on a loopback port, SQLite in the
// test's temporary directory (or a PostgreSQL database), simulated compute
// hosts, and the bootstrap's users, flavors, image and networks. Each test
// can have a cloud of its own; New takes milliseconds.
//
//	cloud := novalitetest.New(t)
//	provider, err := openstack.AuthenticatedClient(ctx, cloud.AuthOptions())
package novalitetest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"golang.org/x/crypto/bcrypt"

	"novalite/internal/app"
	"novalite/internal/config"
)

// Names and passwords of the bootstrap users of a test cloud.
const (
	AdminUser      = "admin"
	AdminProject   = "admin"
	AdminPassword  = "novalitetest-admin"
	MemberUser     = "demo"
	MemberProject  = "demo"
	MemberPassword = "novalitetest-demo"
	DomainName     = "Default"
)

// Cloud is a running test cloud.
type Cloud struct {
	// URL is the base of every API, e.g. http://127.0.0.1:41234.
	URL string
	// IdentityURL is the Keystone v3 endpoint clients authenticate at.
	IdentityURL string
	// CloudsYAML is a clouds.yaml with the clouds "novalite" (admin) and
	// "novalite-demo" (member), for OS_CLIENT_CONFIG_FILE.
	CloudsYAML string
	// FlavorID (m1.tiny), ImageID (cirros) and NetworkID (private, shared)
	// are enough to boot a server.
	FlavorID, ImageID, NetworkID string

	t    testing.TB
	app  *app.App
	stop func()

	mu     sync.Mutex
	tokens map[string]string
}

// Option changes how New starts the cloud.
type Option func(*settings)

type settings struct {
	cfg config.Config
	log io.Writer // nil: warnings and errors to stderr
}

// WithPostgres keeps the cloud's state in the PostgreSQL database at url
// (postgres://…) instead of a SQLite file. The database should be empty
// or hold an earlier test cloud's state.
func WithPostgres(url string) Option { return func(s *settings) { s.cfg.Database = url } }

// WithHosts sets how many simulated compute hosts run (default 1).
func WithHosts(n int) Option { return func(s *settings) { s.cfg.Hosts = n } }

// WithSoftDelete makes DELETE a soft delete, reclaimed after interval
// (Nova's reclaim_instance_interval).
func WithSoftDelete(interval time.Duration) Option {
	return func(s *settings) { s.cfg.ReclaimInstanceInterval = interval }
}

// WithTransitionTime sets how long simulated reboots, rebuilds, resizes
// and migrations take at least (default 0 in test clouds: as fast as
// possible; `serve` uses 2 s so that pollers see REBOOT, REBUILD …).
func WithTransitionTime(d time.Duration) Option {
	return func(s *settings) { s.cfg.TransitionTime = d }
}

// WithFakeDelays delays single operations of the simulated driver, e.g.
// "spawn=200ms,reboot=1s".
func WithFakeDelays(spec string) Option { return func(s *settings) { s.cfg.FakeDelays = spec } }

// WithLog sends every log line of the cloud to w.
func WithLog(w io.Writer) Option { return func(s *settings) { s.log = w } }

// New starts a cloud and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Cloud {
	t.Helper()
	s := settings{cfg: config.Default()}
	cfg := &s.cfg
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.AdminPassword, cfg.DemoPassword = AdminPassword, MemberPassword
	cfg.TransitionTime = 0
	cfg.PasswordCost = bcrypt.MinCost // bootstrap hashes two passwords
	cfg.ControlAPI = true             // Advance and the host knobs
	for _, o := range opts {
		o(&s)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if s.log != nil {
		log = slog.New(slog.NewTextHandler(s.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, *cfg, log)
	if err == nil {
		err = a.Listen()
	}
	if err == nil {
		_, err = a.Bootstrap(ctx)
	}
	if err != nil {
		cancel()
		if a != nil {
			a.Close()
		}
		t.Fatalf("novalitetest: start: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	c := &Cloud{URL: a.PublicURL(), IdentityURL: a.PublicURL() + app.IdentityPrefix + "/v3",
		CloudsYAML: filepath.Join(cfg.DataDir, "clouds.yaml"), t: t, app: a, tokens: map[string]string{}}
	c.stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("novalitetest: serve: %v", err)
		}
		a.Close()
	})
	t.Cleanup(c.stop)
	if err := c.findDefaults(); err != nil {
		t.Fatalf("novalitetest: %v", err)
	}
	return c
}

// Stop stops the cloud now rather than when the test ends.
func (c *Cloud) Stop() { c.stop() }

// AuthOptions authenticate as Admin.
func (c *Cloud) AuthOptions() gophercloud.AuthOptions { return c.UserAuthOptions(Admin) }

// MemberAuthOptions authenticate as Member.
func (c *Cloud) MemberAuthOptions() gophercloud.AuthOptions { return c.UserAuthOptions(Member) }

// UserAuthOptions authenticate as user (one made with AddUser, or Admin
// or Member).
func (c *Cloud) UserAuthOptions(user User) gophercloud.AuthOptions {
	return gophercloud.AuthOptions{IdentityEndpoint: c.IdentityURL, Username: user.Name, Password: user.Password,
		DomainName: DomainName, TenantName: user.Project, AllowReauth: true}
}

func (c *Cloud) fatalf(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("novalitetest: "+format, args...)
}
