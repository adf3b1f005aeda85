package compute

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"novalite"
)

// fill sets every field v reaches to a value of its own (n counts them):
// strings, numbers and times differ, bools are true, pointers, slices
// (two elements) and maps (two entries) are made. A field added to a
// server's view later is filled too, so a codec that forgets it fails.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)) + time.Duration(*n).String())
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(int64(1_700_000_000+*n), int64(*n*1000+7)).UTC()))
			return
		}
		for i := range v.NumField() {
			if v.Field(i).Type() == reflect.TypeFor[*ViewMemo]() {
				continue // not a field of the view: made anew
			}
			fill(v.Field(i), n)
		}
	default:
		panic("fill: a field of kind " + v.Kind().String())
	}
}

// TestPackedViewRoundTrip: a view with every field set, one with none
// (nil maps and slices) and one with empty ones come back from their
// packed form as they were, nil and empty told apart; HostStatus and
// Memo are not kept (the cache reads and makes them anew).
func TestPackedViewRoundTrip(t *testing.T) {
	t.Parallel()
	var full ServerInfo
	n := 0
	fill(reflect.ValueOf(&full).Elem(), &n)
	full.HostStatus, full.Memo = "", nil
	empty := ServerInfo{Server: novalite.Server{ID: "e", Metadata: map[string]string{}, Tags: []string{},
		ImageProperties: map[string]string{}, TrustedCerts: []string{}, Volumes: []novalite.BlockDeviceMapping{},
		Flavor:         novalite.FlavorSnapshot{ExtraSpecs: map[string]string{}},
		SchedulerHints: novalite.SchedulerHints{Group: []string{}, Other: map[string][]string{"k": {}}}},
		Addresses: []ServerAddress{}, SecurityGroups: []string{}}
	neg := ServerInfo{Server: novalite.Server{ID: "n", InternalID: -5, Progress: -1, PowerState: -2,
		CreatedAt: time.Unix(-10, 5).UTC()}}
	for name, v := range map[string]ServerInfo{"full": full, "zero": {}, "empty": empty, "negative": neg} {
		b := packInfo(&v)
		got := unpackInfo(b)
		if d := cmp.Diff(v, got); d != "" {
			t.Errorf("%s: unpacked view differs (-packed +unpacked):\n%s", name, d)
		}
		if name == "full" && len(b) > 4096 {
			t.Errorf("%s: %d bytes packed", name, len(b))
		}
	}
	withStatus := full
	withStatus.HostStatus, withStatus.Memo = "UP", new(ViewMemo)
	if got := unpackInfo(packInfo(&withStatus)); got.HostStatus != "" || got.Memo != nil {
		t.Errorf("host status %q, memo %v kept", got.HostStatus, got.Memo)
	}
}
