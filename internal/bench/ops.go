package bench

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Clients of each row. Reads use as many as wrk's -c32 of the issue's
// first measurements; the 1,000-server pages are heavy enough with 4.
const (
	concToken  = 4
	concShow   = 32
	concPage   = 4
	concCreate = 16
	concMulti  = 2
	concDelete = 16
	concMixed  = 50
	multiCount = 100
	pollEvery  = 2 * time.Millisecond
)

// rowsAll runs every wanted row in order: the pages as the store grows,
// then the rest with the most servers stored.
func (r *run) rowsAll(ctx context.Context) error {
	for _, n := range r.o.Sizes {
		if err := r.seedTo(ctx, n); err != nil {
			return err
		}
		if name := fmt.Sprintf("detail?limit=1000 @%s", count(n)); r.wants("detail") {
			r.measure(ctx, name, "req/s", concPage, 0, r.get("/compute/v2.1/servers/detail?limit=1000"))
		}
	}
	most := count(r.seeded)
	if r.wants("regex") {
		// Nova matches name as a regular expression: a few of 100,000
		// match (^vm-4242: vm-4242 and vm-42420 to vm-42429). Another
		// name each request: the store answers a query it answered at the
		// same write generation from memory (list_memo.go), and nothing is
		// written during the row.
		r.measure(ctx, "name=^vm-NNNN @"+most, "req/s", concPage, 0, func(ctx context.Context, w int, rng *rand.Rand) (int, error) {
			return r.get(fmt.Sprintf("/compute/v2.1/servers/detail?name=%%5Evm-%d", 1000+rng.IntN(9000)))(ctx, w, rng)
		})
	}
	if r.wants("token") {
		body := passwordAuth("demo", demoPassword)
		r.measure(ctx, "token issue", "req/s", concToken, 0, func(ctx context.Context, _ int, _ *rand.Rand) (int, error) {
			_, err := r.c.expect(ctx, http.StatusCreated, "POST", "/identity/v3/auth/tokens", "", body, nil)
			return 1, err
		})
	}
	if r.wants("show") && r.seeded > 0 {
		r.measure(ctx, "show @"+most, "req/s", concShow, 0, func(ctx context.Context, _ int, rng *rand.Rand) (int, error) {
			return r.get("/compute/v2.1/servers/"+seedID(rng.IntN(r.seeded)))(ctx, 0, rng)
		})
		// Back to back with show, the same clients and transport settings.
		if err := r.trivial(ctx); err != nil {
			return err
		}
	}
	if r.wants("create") {
		r.measure(ctx, "POST→ACTIVE", "ACTIVE/s", concCreate, 0, r.createOne)
		r.measure(ctx, fmt.Sprintf("POST max_count=%d→ACTIVE", multiCount), "ACTIVE/s", concMulti, 0, r.createMany)
	}
	if r.wants("delete") {
		r.measure(ctx, "DELETE→gone", "gone/s", concDelete, len(r.created), r.deleteOne)
	}
	if r.wants("mixed") && r.seeded > 0 {
		r.mixed(ctx)
	}
	return nil
}

// count is n as the table shows it: 1k, 100k, 1M.
func count(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// get is a GET of path as demo that must answer 200.
func (r *run) get(path string) opFunc {
	return func(ctx context.Context, _ int, _ *rand.Rand) (int, error) {
		_, err := r.c.expect(ctx, http.StatusOK, "GET", path, r.demo.token, nil, nil)
		return 1, err
	}
}

func (r *run) createBody(extra map[string]any) map[string]any {
	s := map[string]any{"name": "bench", "imageRef": r.image, "flavorRef": "42", "networks": "none"}
	for k, v := range extra {
		s[k] = v
	}
	return map[string]any{"server": s}
}

// create POSTs one server and returns its id.
func (r *run) create(ctx context.Context) (string, error) {
	var out struct{ Server struct{ ID string } }
	_, err := r.c.expect(ctx, http.StatusAccepted, "POST", "/compute/v2.1/servers", r.demo.token, r.createBody(nil), &out)
	return out.Server.ID, err
}

// status is the server's status, or "" once it is gone (404).
func (r *run) status(ctx context.Context, id string) (string, error) {
	st, _, b, err := r.c.do(ctx, "GET", "/compute/v2.1/servers/"+id, r.demo.token, nil)
	if err != nil || st == http.StatusNotFound {
		return "", err
	}
	if st != http.StatusOK {
		return "", fmt.Errorf("GET server: %d", st)
	}
	var out struct{ Server struct{ Status string } }
	err = json.Unmarshal(b, &out)
	return out.Server.Status, err
}

// until polls f until it returns true.
func until(ctx context.Context, f func() (bool, error)) error {
	for {
		ok, err := f()
		if ok || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// createOne is POST then GET until ACTIVE.
func (r *run) createOne(ctx context.Context, _ int, _ *rand.Rand) (int, error) {
	id, err := r.create(ctx)
	if err != nil {
		return 0, err
	}
	err = until(ctx, func() (bool, error) {
		st, err := r.status(ctx, id)
		if st == "ERROR" {
			err = errors.New("server " + id + " went to ERROR")
		}
		return st == "ACTIVE", err
	})
	if err != nil {
		return 0, err
	}
	r.created <- id
	return 1, nil
}

// createMany is one POST of max_count servers, then the reservation's
// list until every one is ACTIVE.
func (r *run) createMany(ctx context.Context, _ int, _ *rand.Rand) (int, error) {
	var res struct {
		ReservationID string `json:"reservation_id"`
	}
	body := r.createBody(map[string]any{"max_count": multiCount, "min_count": multiCount, "return_reservation_id": true})
	if _, err := r.c.expect(ctx, http.StatusAccepted, "POST", "/compute/v2.1/servers", r.demo.token, body, &res); err != nil {
		return 0, err
	}
	var ids []string
	err := until(ctx, func() (bool, error) {
		var out struct{ Servers []struct{ ID string } }
		path := "/compute/v2.1/servers?status=ACTIVE&reservation_id=" + res.ReservationID
		if _, err := r.c.expect(ctx, http.StatusOK, "GET", path, r.demo.token, nil, &out); err != nil {
			return false, err
		}
		ids = ids[:0]
		for _, s := range out.Servers {
			ids = append(ids, s.ID)
		}
		return len(ids) == multiCount, nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		r.created <- id
	}
	return multiCount, nil
}

// deleteOne deletes a server the create rows left and waits until it is
// gone (404).
func (r *run) deleteOne(ctx context.Context, _ int, _ *rand.Rand) (int, error) {
	var id string
	select {
	case id = <-r.created:
	default:
		return 0, nil
	}
	if _, err := r.c.expect(ctx, http.StatusNoContent, "DELETE", "/compute/v2.1/servers/"+id, r.demo.token, nil, nil); err != nil {
		return 0, err
	}
	err := until(ctx, func() (bool, error) {
		st, err := r.status(ctx, id)
		return st == "", err
	})
	return 1, err
}

// mixed is 50 clients each doing 35 % show, 35 % list (a page of 100),
// 20 % create and 10 % delete (of a server it created); one row for the
// whole and one per kind.
func (r *run) mixed(ctx context.Context) {
	kinds := []string{"show", "list", "create", "delete"}
	conc := cmp.Or(r.o.Mixed, concMixed)
	var mu sync.Mutex
	per := map[string][]time.Duration{}
	mine := make([][]string, conc)
	whole := r.measure(ctx, "mixed 35/35/20/10", "req/s", conc, 0, func(ctx context.Context, w int, rng *rand.Rand) (int, error) {
		var kind string
		var err error
		t := time.Now()
		switch p := rng.IntN(100); {
		case p < 35:
			kind = "show"
			_, err = r.get("/compute/v2.1/servers/"+seedID(rng.IntN(r.seeded)))(ctx, w, rng)
		case p < 70:
			kind = "list"
			_, err = r.get("/compute/v2.1/servers/detail?limit=100")(ctx, w, rng)
		case p < 90 || len(mine[w]) == 0:
			kind = "create"
			var id string
			if id, err = r.create(ctx); err == nil {
				mine[w] = append(mine[w], id)
			}
		default:
			kind = "delete"
			id := mine[w][len(mine[w])-1]
			mine[w] = mine[w][:len(mine[w])-1]
			_, err = r.c.expect(ctx, http.StatusNoContent, "DELETE", "/compute/v2.1/servers/"+id, r.demo.token, nil, nil)
		}
		d := time.Since(t)
		mu.Lock()
		per[kind] = append(per[kind], d)
		mu.Unlock()
		return 1, err
	})
	for _, k := range kinds {
		ds := per[k]
		sortDurations(ds)
		r.rows = append(r.rows, row{op: "  mixed: " + k, conc: conc, unit: "req/s",
			res: result{ops: len(ds), lat: ds, elapsed: whole.res.elapsed}})
	}
}

// trivial drives show's load against a bare net/http handler in its own
// process, the yardstick of the ratio.
func (r *run) trivial(ctx context.Context) error {
	tr, err := startChild(ctx, r.o.Exe, []string{"bench-trivial", "--listen", "127.0.0.1:0"}, listening, r.o.Log)
	if err != nil {
		return err
	}
	defer tr.stop()
	keep := r.c
	r.c = newClient(64, tr.url)
	defer func() { r.c = keep }()
	r.measureOn(ctx, procs{tr.proc}, trivialOp, "req/s", concShow, 0, r.get("/"))
	return nil
}

const trivialOp = "trivial handler (3 KB JSON)"

// printRatio prints show's rate over the trivial handler's.
func printRatio(out io.Writer, rows []row) {
	var show, tr *row
	for i := range rows {
		switch {
		case strings.HasPrefix(rows[i].op, "show"):
			show = &rows[i]
		case rows[i].op == trivialOp:
			tr = &rows[i]
		}
	}
	if show == nil || tr == nil || tr.rate() == 0 || len(tr.res.lat) == 0 {
		return
	}
	fmt.Fprintf(out, "show ÷ trivial handler: %.2f in req/s; server CPU per request %.0f µs vs %.0f µs\n",
		show.rate()/tr.rate(), show.cpuPer1000()*1000, tr.cpuPer1000()*1000)
}
