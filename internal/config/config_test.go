package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"novalite/internal/config"
)

// defaults is the default config with its flags on fs, env set first
// (the flags read their variables when registered).
func defaults(t *testing.T, env map[string]string) (*config.Config, *flag.FlagSet) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	c := config.Default()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.Flags(fs)
	return &c, fs
}

// asWanted reports err unless it is the error wanted (holding want; ""
// none), and tells whether the config is left to check: no error came
// and none was wanted.
func asWanted(t *testing.T, err error, want string) bool {
	t.Helper()
	switch {
	case want != "":
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want one with %q", err, want)
		}
		return false
	case err != nil:
		t.Errorf("err = %v", err)
		return false
	}
	return true
}

// Every flag names its environment variable, and the name follows the
// one rule that config files and docs/configuration.md rely on.
func TestFlagsNameTheirVariable(t *testing.T) {
	_, fs := defaults(t, nil)
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(f.Usage, "(env "+config.EnvName(f.Name)+")") {
			t.Errorf("--%s: usage %q does not name %s", f.Name, f.Usage, config.EnvName(f.Name))
		}
	})
}

// A config file sets options; the environment and the command line
// override it; unknown keys and bad values are errors.
func TestApplyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".toml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		args    []string
		wantErr string
		check   func(c config.Config) bool
	}{
		{name: "values", file: "listen = \"0.0.0.0:9\"\nhosts = 3\ntoken-ttl = \"2h\"\ninstant = true\n",
			check: func(c config.Config) bool {
				return c.Listen == "0.0.0.0:9" && c.Hosts == 3 && c.TokenTTL == 2*time.Hour && c.TransitionTime == 0
			}},
		{name: "flag wins", file: "hosts = 3\n", args: []string{"--hosts", "5"},
			check: func(c config.Config) bool { return c.Hosts == 5 }},
		{name: "environment wins", file: "hosts = 3\n", env: map[string]string{"NOVALITE_HOSTS": "4"},
			check: func(c config.Config) bool { return c.Hosts == 4 }},
		{name: "unknown key", file: "hostz = 3\n", wantErr: `unknown option "hostz"`},
		{name: "bad value", file: "hosts = \"many\"\n", wantErr: "hosts"},
		{name: "not toml", file: "hosts = = 3\n", wantErr: "config file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fs := defaults(t, tt.env)
			err := config.ApplyFile(fs, write(tt.file))
			if err == nil {
				err = fs.Parse(tt.args)
			}
			if asWanted(t, err, tt.wantErr) && !tt.check(*c) {
				t.Errorf("config = %+v", *c)
			}
		})
	}
}

func TestConfigPath(t *testing.T) {
	t.Setenv("NOVALITE_CONFIG", "env.toml")
	tests := []struct {
		args []string
		want string
	}{
		{nil, "env.toml"},
		{[]string{"--config", "a.toml"}, "a.toml"},
		{[]string{"-config=b.toml", "--hosts", "2"}, "b.toml"},
		{[]string{"--", "--config", "c.toml"}, "env.toml"},
	}
	for _, tt := range tests {
		if got := config.ConfigPath(tt.args); got != tt.want {
			t.Errorf("ConfigPath(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// docs/configuration.md is what WriteDoc writes today.
func TestConfigDocUpToDate(t *testing.T) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "NOVALITE_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	var b strings.Builder
	config.WriteDoc(&b)
	got, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != b.String() {
		t.Errorf("docs/configuration.md is out of date: go run ./internal/tools/configdoc > docs/configuration.md")
	}
}

// service_down_time and report_interval come from flags or the
// environment; a heartbeat as slow as the down time is refused.
func TestServiceDownTime(t *testing.T) {
	tests := []struct {
		name         string
		env          map[string]string
		args         []string
		down, report time.Duration
		wantErr      string
	}{
		{name: "Nova's defaults", down: 60 * time.Second, report: 10 * time.Second},
		{name: "flags", args: []string{"--service-down-time", "3s", "--report-interval", "1s"}, down: 3 * time.Second, report: time.Second},
		{name: "environment", env: map[string]string{"NOVALITE_SERVICE_DOWN_TIME": "20s", "NOVALITE_REPORT_INTERVAL": "2s"},
			down: 20 * time.Second, report: 2 * time.Second},
		{name: "down time not above the interval", args: []string{"--service-down-time", "10s"}, wantErr: "less than service down time"},
		{name: "no heartbeat", args: []string{"--report-interval", "0s"}, wantErr: "report interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fs := defaults(t, tt.env)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := c.Validate()
			if asWanted(t, err, tt.wantErr) && (c.ServiceDownTime != tt.down || c.ReportInterval != tt.report) {
				t.Errorf("service down time %s, report interval %s; want %s, %s", c.ServiceDownTime, c.ReportInterval, tt.down, tt.report)
			}
		})
	}
}

// --password-hash-rounds sets bcrypt's cost, within the costs bcrypt has.
func TestPasswordHashRounds(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    int
		wantErr string
	}{
		{name: "default", want: 0},
		{name: "Keystone's", args: []string{"--password-hash-rounds", "12"}, want: 12},
		{name: "environment", env: map[string]string{"NOVALITE_PASSWORD_HASH_ROUNDS": "4"}, want: 4},
		{name: "below bcrypt's least", args: []string{"--password-hash-rounds", "3"}, wantErr: "password hash rounds"},
		{name: "above bcrypt's most", args: []string{"--password-hash-rounds", "32"}, wantErr: "password hash rounds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fs := defaults(t, tt.env)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if asWanted(t, c.Validate(), tt.wantErr) && c.PasswordCost != tt.want {
				t.Errorf("password cost %d, want %d", c.PasswordCost, tt.want)
			}
		})
	}
}
