// Package app wires novalite together: it opens the store, builds the
// services and the HTTP APIs on one listener, and runs them until told to
// stop. Tests start a whole app through package apptest.
package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"novalite"
	"novalite/internal/api/compute"
	consoleapi "novalite/internal/api/console"
	controlapi "novalite/internal/api/control"
	"novalite/internal/api/httpx"
	identityapi "novalite/internal/api/identity"
	imageapi "novalite/internal/api/image"
	networkapi "novalite/internal/api/network"
	volumeapi "novalite/internal/api/volume"
	"novalite/internal/clock"
	computesvc "novalite/internal/compute"
	"novalite/internal/config"
	"novalite/internal/control"
	"novalite/internal/identity"
	"novalite/internal/image"
	"novalite/internal/lograte"
	"novalite/internal/network"
	"novalite/internal/store"
	"novalite/internal/virt/fake"
	"novalite/internal/volume"
)

// Prefixes under which the APIs are mounted, as DevStack does.
const (
	IdentityPrefix = "/identity"
	computePrefix  = "/compute"
	imagePrefix    = "/image"
	networkPrefix  = "/network"
	// controlPrefix is the control API's (--control-api).
	controlPrefix = "/novalite/v1"
	volumePrefix  = "/volume"
)

// maxStateBytes bounds a state imported through the control API.
const maxStateBytes = 1 << 30

// healthzTimeout bounds /healthz: load balancers probe every few seconds.
const healthzTimeout = 2 * time.Second

// App is a running novalite.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *store.DB
	Identity *identity.Service
	Compute  *computesvc.Service
	Image    *image.Service
	Network  *network.Service
	// Clock is the compute side's clock, which the control API advances.
	Clock  *clock.Clock
	Volume *volume.Service

	publicURL string
	metrics   *metrics
	listener  net.Listener
	server    *http.Server
	// apiOnly: Serve runs no background loops (`novalite api`).
	apiOnly bool
	// fakes are this process's fake hosts, among which guests migrate.
	fakes *fake.Peers
	// gate holds requests while ServeAfter's setup runs.
	gate *startGate
}

// Open opens and migrates the store and builds the services (serve,
// migrate, bootstrap).
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	return open(ctx, cfg, log, true)
}

// OpenShared opens a store that other processes share and builds the
// services, refusing a database whose schema is not this binary's (api,
// agent, controller: they never migrate it themselves).
func OpenShared(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	return open(ctx, cfg, log, false)
}

func open(ctx context.Context, cfg config.Config, log *slog.Logger, migrate bool) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// A failing database fails every request alike: a few lines a
	// second per message are enough to tell.
	log = slog.New(lograte.New(log.Handler(), 5, time.Second, nil))
	// Serve (and migrate, bootstrap) own a SQLite file; the roles share it.
	lock, err := store.LockSQLite(cfg.DatabaseDSN(), migrate)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, databaseDSN(cfg.DatabaseDSN(), cfg.HTTP.RequestTimeout))
	if err != nil {
		lock.Release()
		return nil, fmt.Errorf("open store: %w", err)
	}
	db.KeepLock(lock)
	if cfg.DatabaseMaxConns > 0 {
		db.SetMaxConns(cfg.DatabaseMaxConns)
	}
	if migrate {
		_, err = db.Migrate(ctx)
	} else {
		err = db.CheckSchema(ctx)
		db.Share()
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database schema: %w", err)
	}
	// SQLite's statistics at open, as SQLite advises. On PostgreSQL the
	// leading controller's statistics job keeps them: a replica's start
	// would otherwise pay an ANALYZE of every stale table (0.7 s for
	// 100,000 servers) before its first answer.
	if db.Engine() != store.Postgres {
		if err := db.Optimize(ctx); err != nil {
			log.Warn("refreshing the query planner's statistics failed", "err", err)
		}
	}
	a := &App{Config: cfg, Log: log, DB: db, publicURL: strings.TrimRight(cfg.PublicURL, "/"), metrics: newMetrics(db)}
	if a.publicURL == "" {
		a.publicURL = "http://" + cfg.Listen
	}
	a.Identity = identity.New(db, identity.Options{TokenTTL: cfg.TokenTTL, Catalog: a.catalog, PasswordCost: cfg.PasswordCost,
		KeyRotation: cfg.FernetRotation, MaxActiveKeys: cfg.FernetMaxActiveKeys})
	a.Clock = &clock.Clock{}
	a.fakes = fake.NewPeers()
	if err := a.loadClock(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("clock offset: %w", err)
	}
	a.Compute = computesvc.New(db, computesvc.Options{ReclaimInstanceInterval: cfg.ReclaimInstanceInterval, Now: a.Clock.Now,
		ServiceDownTime: cfg.ServiceDownTime})
	// A commit wakes the loops of this process that act on it.
	db.OnNotify(a.Compute.Waker.Notify)
	a.Network = network.New(db, network.Options{})
	if a.Image, err = image.New(db, image.Options{Dir: filepath.Join(cfg.DataDir, "images"),
		CountTotal: cfg.ImageCountTotal}); err != nil {
		db.Close()
		return nil, fmt.Errorf("image store: %w", err)
	}
	if a.Volume, err = volume.New(db, volume.Options{Dir: cfg.VolumePath()}); err != nil {
		db.Close()
		return nil, fmt.Errorf("volume store: %w", err)
	}
	// Image files an older binary kept in the data dir go into the
	// database, where every process reads image bytes (PostgreSQL).
	imported, skipped, err := a.Image.ImportFiles(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(imported) > 0 {
		log.Info("imported image files into the database", "count", len(imported), "dir", filepath.Join(cfg.DataDir, "images"))
	}
	for _, id := range skipped {
		log.Warn("image file left out: its size or checksum is not its image's", "image", id)
	}
	a.Volume.Images = imageData{a.Image}
	a.Volume.Uploads = a.Image
	a.Compute.Images = a.Image
	a.Compute.HideFakeMetadata = cfg.HideFakeMetadata
	a.Compute.Volumes = a.Volume
	a.Volume.Servers = a.Compute
	a.Compute.Network = a.Network
	if err := a.Identity.LoadKeys(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("load token keys: %w", err)
	}
	return a, nil
}

// Close releases the store.
func (a *App) Close() error { return a.DB.Close() }

// Listen opens the listener; the public URL defaults to its address.
func (a *App) Listen() error {
	l, err := net.Listen("tcp", a.Config.Listen)
	if err != nil {
		return err
	}
	a.listener = l
	a.publicURL = strings.TrimRight(a.Config.PublicURL, "/")
	if a.publicURL == "" {
		a.publicURL = "http://" + l.Addr().String()
	}
	return nil
}

// PublicURL is the base URL of the listener as the catalog shows it.
func (a *App) PublicURL() string { return a.publicURL }

// Handler returns every API on one mux.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	idURL := func(*http.Request) string { return a.publicURL + IdentityPrefix }
	id := http.StripPrefix(IdentityPrefix, identityapi.New(a.Identity, IdentityPrefix).Handler())
	mux.Handle(IdentityPrefix+"/", id)
	mux.Handle(IdentityPrefix, id) // Keystone's 300, never a redirect
	c := compute.New(compute.Services{Identity: a.Identity, Compute: a.Compute, Image: a.Image, Network: a.Network,
		Volumes: a.Volume}, computePrefix, idURL)
	mux.Handle(computePrefix+"/", http.StripPrefix(computePrefix, c))
	mux.Handle(computePrefix, http.StripPrefix(computePrefix, c))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		// Its own short deadline: a probe must hear "unavailable" in
		// time, whatever the database does.
		ctx, cancel := context.WithTimeout(r.Context(), healthzTimeout)
		defer cancel()
		if err := a.DB.View(ctx, func(tx *store.Tx) error { return tx.Ping(ctx) }); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	var ctl http.Handler
	if a.Config.ControlAPI {
		svc := control.New(a.DB, a.Clock, func(ctx context.Context) error {
			_, err := a.newController().RunOnce(ctx)
			return err
		}, a.Compute.Waker.Wake)
		svc.DownAfter = a.Compute.ServiceDownTime()
		ctl = http.StripPrefix(controlPrefix, controlapi.New(svc, a.Identity, idURL, compute.WriteError))
		mux.Handle(controlPrefix+"/", ctl)
	}
	mux.Handle("GET /metrics", a.metrics.handler())
	img := http.StripPrefix(imagePrefix, imageapi.New(a.Image, imagePrefix, a.Identity, idURL))
	mux.Handle(imagePrefix+"/", img)
	mux.Handle(imagePrefix, img)
	net := http.StripPrefix(networkPrefix, networkapi.New(a.Network, networkPrefix, a.Identity, idURL))
	mux.Handle(networkPrefix+"/", net)
	mux.Handle(networkPrefix, net)
	vol := http.StripPrefix(volumePrefix, volumeapi.New(a.Volume, volumePrefix, a.Identity, idURL))
	mux.Handle(volumePrefix+"/", vol)
	mux.Handle(volumePrefix, vol)
	lim := a.Config.HTTP
	limited := httpx.LimitBody(httpx.Routed(mux, compute.WriteError), a.Config.MaxBodyBytes, writeError)
	// Image data is streamed: exempt from the body limit and the request
	// deadline, cut off only when it stops moving.
	streamed := httpx.Streamed(img, lim.ReadTimeout, lim.WriteTimeout)
	top := http.NewServeMux()
	top.Handle("/", httpx.Deadline(limited, lim.RequestTimeout))
	top.Handle("PUT "+imagePrefix+"/v2/images/{id}/file", streamed)
	top.Handle("GET "+imagePrefix+"/v2/images/{id}/file", streamed)
	// Consoles outlive any request deadline.
	top.Handle(compute.NoVNCPath+"/", http.StripPrefix(compute.NoVNCPath, consoleapi.New(a.Compute, a.Log)))
	if ctl != nil { // a whole cloud's state is larger than any API body
		top.Handle("PUT "+controlPrefix+"/state", httpx.Deadline(httpx.LimitBody(ctl, maxStateBytes, compute.WriteError), lim.RequestTimeout))
	}
	var h http.Handler = top
	if a.gate != nil {
		h = a.gate.wrap(top)
	}
	return httpx.Common(httpx.Edge(h, errorDialect), a.Log, a.metrics.observe)
}

// readyz answers 200 when this process can serve: the database answers
// and holds exactly the migrations of this binary (a replica left on an
// old binary after `novalite migrate`, or started before it, is not
// ready). /healthz checks only the database, for load balancers.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthzTimeout)
	defer cancel()
	msg := ""
	if a.gate != nil && !a.gate.ready() {
		msg = "starting"
	} else if err := a.DB.View(ctx, func(tx *store.Tx) error { return tx.Ping(ctx) }); err != nil {
		msg = "database unavailable"
	} else if err := a.DB.CheckSchema(ctx); novalite.IsKind(err, novalite.Unavailable) {
		msg = "database unavailable"
	} else if err != nil {
		msg = err.Error() // says which migration is missing or too new
	}
	if msg != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintln(w, "not ready:", msg)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// Serve answers requests until ctx is done, then shuts down gracefully:
// no new connections, in-flight requests finish (up to 10 s).
func (a *App) Serve(ctx context.Context) error { return a.ServeAfter(ctx, nil) }

// ServeAfter is Serve with setup (serve's bootstrap) run after the
// listener has started answering: until setup has returned and the
// background loops run, only requests that read nothing setup writes are
// answered (startGate); the others wait for it. A setup that fails stops
// the server and its error is returned. Without setup the loops start
// first and the listener answers nothing before them.
func (a *App) ServeAfter(ctx context.Context, setup func(context.Context) error) error {
	if a.listener == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	var stopLoops func()
	if setup == nil {
		var err error
		if stopLoops, err = a.startLoops(ctx); err != nil {
			if ctx.Err() != nil { // shut down while the hosts were registering
				return nil
			}
			return err
		}
	} else {
		a.gate = newStartGate()
	}
	a.server = newHTTPServer(a.Handler(), a.Config.HTTP, a.Log)
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(limitConnections(a.listener, a.Config.HTTP.MaxConnections)) }()
	if setup != nil {
		var err error
		if err = setup(ctx); err == nil {
			stopLoops, err = a.startLoops(ctx)
		}
		a.gate.open(err)
		if err != nil {
			if ctx.Err() != nil { // shut down while starting
				err = nil
			}
			return errors.Join(err, a.shutdown(errc))
		}
	}
	defer stopLoops() // after the last request has finished
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return a.shutdown(errc)
}

// shutdown stops the HTTP server gracefully and waits for Serve's return
// (on errc).
func (a *App) shutdown(errc <-chan error) error {
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.server.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}

// catalog lists the services at the public URL (block storage twice,
// as volumev3 and block-storage, as DevStack registers it), each with public,
// internal and admin endpoints; ids are stable across restarts.
func (a *App) catalog() []identity.CatalogService {
	svcs := []struct{ typ, name, path string }{
		{"identity", "keystone", IdentityPrefix + "/v3"},
		{"compute", "nova", computePrefix + "/v2.1"},
		{"image", "glance", imagePrefix},
		{"network", "neutron", networkPrefix},
		{"volumev3", "cinderv3", volumePrefix + "/v3"},
		{"block-storage", "cinder", volumePrefix + "/v3"},
	}
	out := make([]identity.CatalogService, 0, len(svcs))
	for _, s := range svcs {
		cs := identity.CatalogService{ID: stableID("service", s.typ), Type: s.typ, Name: s.name}
		for _, iface := range []string{"public", "internal", "admin"} {
			cs.Endpoints = append(cs.Endpoints, identity.Endpoint{ID: stableID(s.typ, iface),
				Interface: iface, Region: a.Config.Region, URL: a.publicURL + s.path})
		}
		out = append(out, cs)
	}
	return out
}

func stableID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(h[:16])
}
