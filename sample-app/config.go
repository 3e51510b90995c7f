package main

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// Config is everything the service reads from its environment.
type Config struct {
	// Host is the address to listen on. @default "" (every interface, as a container needs)
	Host string
	// Port is the TCP port to listen on; 0 picks a free port. @default 8080
	Port int
	// ShutdownTimeout bounds the wait for in-flight requests after SIGTERM. @default 10s
	ShutdownTimeout time.Duration
}

// Addr is the listen address, host:port.
func (c Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// LoadConfig reads HOST, PORT and SHUTDOWN_TIMEOUT through getenv. Every error names the variable,
// the value and what is allowed.
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{Host: getenv("HOST"), Port: 8080, ShutdownTimeout: 10 * time.Second}
	if v := getenv("PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 0 || port > 65535 {
			return Config{}, fmt.Errorf("PORT must be an integer from 0 to 65535, got %q", v)
		}
		cfg.Port = port
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("SHUTDOWN_TIMEOUT must be a positive Go duration such as 10s, got %q", v)
		}
		cfg.ShutdownTimeout = d
	}
	return cfg, nil
}
