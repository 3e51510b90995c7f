package main

import (
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigDefaultsToPort8080OnEveryInterface(t *testing.T) {
	cfg, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr() != ":8080" || cfg.ShutdownTimeout != 10*time.Second {
		t.Errorf("defaults = %q %s, want \":8080\" 10s", cfg.Addr(), cfg.ShutdownTimeout)
	}
}

func TestConfigReadsHostPortAndShutdownTimeout(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{"HOST": "127.0.0.1", "PORT": "9090", "SHUTDOWN_TIMEOUT": "3s"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr() != "127.0.0.1:9090" || cfg.ShutdownTimeout != 3*time.Second {
		t.Errorf("config = %q %s, want 127.0.0.1:9090 3s", cfg.Addr(), cfg.ShutdownTimeout)
	}
}

func TestConfigErrorsNameTheVariableAndTheValue(t *testing.T) {
	for _, tc := range []struct{ key, value, want string }{
		{"PORT", "http", `PORT must be an integer from 0 to 65535, got "http"`},
		{"PORT", "65536", `PORT must be an integer from 0 to 65535, got "65536"`},
		{"PORT", "-1", `PORT must be an integer from 0 to 65535, got "-1"`},
		{"SHUTDOWN_TIMEOUT", "10", `SHUTDOWN_TIMEOUT must be a positive Go duration such as 10s, got "10"`},
		{"SHUTDOWN_TIMEOUT", "-1s", `SHUTDOWN_TIMEOUT must be a positive Go duration such as 10s, got "-1s"`},
	} {
		_, err := LoadConfig(env(map[string]string{tc.key: tc.value}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q: error = %v, want %q", tc.key, tc.value, err, tc.want)
		}
	}
}
