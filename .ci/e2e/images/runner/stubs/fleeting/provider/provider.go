// Package provider stands in for fleeting's provider types: only the names the runner refers to.
package provider

import "time"

type Protocol string

type Capability string

const CapabilitySuspendResume Capability = "suspend_resume"

type ConnectorConfig struct {
	OS                   string
	Arch                 string
	Protocol             Protocol
	ProtocolPort         int
	Username             string
	Password             string
	Key                  []byte
	UseStaticCredentials bool
	Keepalive            time.Duration
	Timeout              time.Duration
}

type ConnectInfo struct {
	ConnectorConfig
	ID           string
	ExternalAddr string
	InternalAddr string
	Expires      *time.Time
}

type Settings struct {
	ConnectorConfig
}

// InstanceGroup is a cloud instance group.
type InstanceGroup interface{}
